package dev.consulmesh.retry;

import tools.jackson.databind.JsonNode;
import dev.consulmesh.transport.wire.PatternRoute;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Patterns whose requests may run twice without harm (reads such as {@code fetchLatestNews}): a call
 * to one of them is retried on another node even after it was written, when its connection closed or
 * its attempt timed out. Declared in configuration ({@code mesh.client.idempotent-patterns}) or in
 * code ({@link #declare(String)}), written as on a handler: a string, or a JSON object's text.
 */
public final class IdempotentPatterns {

    private final PatternRoute routes;
    private final Set<String> declared = ConcurrentHashMap.newKeySet();

    public IdempotentPatterns(PatternRoute routes, Collection<String> patterns) {
        this.routes = routes;
        patterns.forEach(this::declare);
    }

    public void declare(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("an idempotent pattern must not be blank");
        }
        declared.add(routes.ofDeclared(pattern));
    }

    /** How patterns are routed, to declare more sets like this one. */
    public PatternRoute routes() {
        return routes;
    }

    public boolean contains(JsonNode pattern) {
        return !declared.isEmpty() && routes.ofIncoming(pattern).map(declared::contains).orElse(false);
    }
}
