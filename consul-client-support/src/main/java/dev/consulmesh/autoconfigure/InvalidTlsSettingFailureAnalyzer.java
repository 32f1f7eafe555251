package dev.consulmesh.autoconfigure;

import dev.consulmesh.transport.tls.InvalidTlsSettingException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Start-up failed on a TLS setting of the transport (an SSL bundle that does not exist or does not load,
 * a PEM file that cannot be read, a bundle named beside PEM files): says which property in Spring Boot's
 * "APPLICATION FAILED TO START" report, instead of at the bottom of a stack trace.
 */
class InvalidTlsSettingFailureAnalyzer extends AbstractFailureAnalyzer<InvalidTlsSettingException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidTlsSettingException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
