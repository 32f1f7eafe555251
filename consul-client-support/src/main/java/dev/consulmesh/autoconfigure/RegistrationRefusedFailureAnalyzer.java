package dev.consulmesh.autoconfigure;

import dev.consulmesh.registration.RegistrationRefusedException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Start-up failed because Consul refused this process's registration for want of ACL rights: says so
 * in Spring Boot's "APPLICATION FAILED TO START" report, with the property to set, instead of at the
 * bottom of a stack trace.
 */
class RegistrationRefusedFailureAnalyzer extends AbstractFailureAnalyzer<RegistrationRefusedException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RegistrationRefusedException cause) {
        String action = cause.action();
        return new FailureAnalysis(cause.description(),
                Character.toUpperCase(action.charAt(0)) + action.substring(1) + ".", cause);
    }
}
