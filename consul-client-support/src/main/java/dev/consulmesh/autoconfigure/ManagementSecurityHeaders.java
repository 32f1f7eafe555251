package dev.consulmesh.autoconfigure;

import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Security headers on every answer of the actuator endpoints, the mesh page included: they show
 * internal addresses and what Consul and peers said, so no other site may frame them
 * ({@code frame-ancestors 'none'}), a browser must not guess their type ({@code nosniff}), and the
 * page may run its own inline script and style only ({@link MeshPageWebExtension#contentSecurityPolicy()}).
 * In the management context, wherever that is (its own port by default, or the application's).
 */
@ManagementContextConfiguration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(WebFilter.class)
public class ManagementSecurityHeaders {

    /** For the JSON answers: nothing to load, nothing to frame. */
    static final String JSON_POLICY = "default-src 'none'; frame-ancestors 'none'";

    @Bean
    WebFilter meshManagementSecurityHeaders(WebEndpointProperties endpoints, ObjectProvider<MeshPageWebExtension> page) {
        String base = endpoints.getBasePath();
        String pagePath = base + "/mesh/" + MeshPageWebExtension.PAGE;
        // Without the mesh endpoint (a process that calls no service) there is no page: JSON's policy everywhere.
        MeshPageWebExtension extension = page.getIfAvailable();
        String pagePolicy = extension == null ? JSON_POLICY : extension.contentSecurityPolicy();
        return new HeadersFilter(base, pagePath, pagePolicy);
    }

    private record HeadersFilter(String base, String pagePath, String pagePolicy) implements WebFilter, Ordered {

        @Override
        public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
            String path = exchange.getRequest().getPath().pathWithinApplication().value();
            if (path.equals(base) || path.startsWith(base + "/")) {
                HttpHeaders headers = exchange.getResponse().getHeaders();
                headers.set("Content-Security-Policy", path.equals(pagePath) ? pagePolicy : JSON_POLICY);
                headers.set("X-Content-Type-Options", "nosniff");
                headers.set("X-Frame-Options", "DENY");
                headers.set("Referrer-Policy", "no-referrer");
            }
            return chain.filter(exchange);
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }
}
