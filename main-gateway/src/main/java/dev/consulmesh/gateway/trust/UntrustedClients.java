package dev.consulmesh.gateway.trust;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;

/**
 * Applies {@link ClientTrust} to every request of the public port before anything reads it: as a
 * decorator of the whole HTTP handler, ahead of the HTTP server observation (which reads the trace
 * context) and of every filter and route.
 */
@Configuration(proxyBeanMethods = false)
public class UntrustedClients {

    @Bean
    ClientTrust clientTrust(ClientTrustProperties properties, Environment environment) {
        // With the native strategy the server takes the client's address from X-Forwarded-For, which any
        // client writes: a trusted network would then be whatever a client claims.
        if (!properties.getTrustedNetworks().isEmpty()
                && "native".equalsIgnoreCase(environment.getProperty("server.forward-headers-strategy", ""))) {
            throw new IllegalStateException("gateway.trust.trusted-networks cannot be used with server.forward-headers-strategy=native:"
                    + " the client address would come from X-Forwarded-For, which any client sets. Trust the proxy's clients"
                    + " with gateway.trust.secret (the proxy sends it), or drop the native strategy");
        }
        return new ClientTrust(properties);
    }

    @Bean
    HttpHandlerDecoratorFactory untrustedClientHeadersRemoved(ClientTrust trust) {
        return handler -> (request, response) -> handler.handle(trust.screen(request), response);
    }
}
