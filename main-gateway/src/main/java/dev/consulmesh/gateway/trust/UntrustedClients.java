package dev.consulmesh.gateway.trust;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;

/**
 * Applies {@link ClientTrust} to every request of the public port before anything reads it: as a
 * decorator of the whole HTTP handler, ahead of the HTTP server observation (which reads the trace
 * context) and of every filter and route.
 */
@Configuration(proxyBeanMethods = false)
public class UntrustedClients {

    @Bean
    ClientTrust clientTrust(ClientTrustProperties properties) {
        return new ClientTrust(properties);
    }

    @Bean
    HttpHandlerDecoratorFactory untrustedClientHeadersRemoved(ClientTrust trust) {
        return handler -> (request, response) -> handler.handle(trust.screen(request), response);
    }
}
