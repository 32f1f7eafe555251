package dev.consulmesh.gateway.news;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebFilter that counts the requests for one path that reach WebFlux, so a test tells them from the
 * ones the HTTP server answered below it. Registered by hand (no annotation: component scanning of the
 * gateway's package must not pick it up in other tests' contexts).
 */
public final class WebFluxRequests implements WebFilter {

    private final String path;
    private final AtomicInteger count = new AtomicInteger();

    public WebFluxRequests(String path) {
        this.path = path;
    }

    public int count() {
        return count.get();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (exchange.getRequest().getPath().value().equals(path)) {
            count.incrementAndGet();
        }
        return chain.filter(exchange);
    }
}
