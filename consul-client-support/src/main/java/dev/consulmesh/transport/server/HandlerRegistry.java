package dev.consulmesh.transport.server;

import tools.jackson.databind.JsonNode;
import dev.consulmesh.transport.wire.PatternRoute;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The handlers of one server, found by the route of a packet's pattern. */
public final class HandlerRegistry {

    private final PatternRoute routes;
    private final Map<String, HandlerMethod> requestHandlers = new ConcurrentHashMap<>();
    private final Map<String, List<HandlerMethod>> eventHandlers = new ConcurrentHashMap<>();

    public HandlerRegistry(PatternRoute routes) {
        this.routes = routes;
    }

    /** Adds a request handler; two handlers for one pattern are a configuration error. */
    public void addRequestHandler(String declaredPattern, HandlerMethod handler) {
        String route = routes.ofDeclared(declaredPattern);
        HandlerMethod previous = requestHandlers.putIfAbsent(route, handler);
        if (previous != null) {
            throw new IllegalStateException("two handlers for message pattern " + route + ": "
                    + previous.description() + " and " + handler.description());
        }
    }

    public void addEventHandler(String declaredPattern, HandlerMethod handler) {
        eventHandlers.computeIfAbsent(routes.ofDeclared(declaredPattern), r -> new CopyOnWriteArrayList<>())
                .add(handler);
    }

    /** The route of a packet's pattern; empty when the pattern can match no handler. */
    public Optional<String> routeOf(JsonNode pattern) {
        return routes.ofIncoming(pattern);
    }

    public Optional<HandlerMethod> requestHandler(String route) {
        return Optional.ofNullable(requestHandlers.get(route));
    }

    public List<HandlerMethod> eventHandlers(String route) {
        return eventHandlers.getOrDefault(route, List.of());
    }

    /** Whether any handler is marked {@link Blocking}. */
    public boolean hasBlockingHandlers() {
        return requestHandlers.values().stream().anyMatch(HandlerMethod::isBlocking)
                || eventHandlers.values().stream().flatMap(List::stream).anyMatch(HandlerMethod::isBlocking);
    }

    public boolean isEmpty() {
        return requestHandlers.isEmpty() && eventHandlers.isEmpty();
    }

    public int size() {
        return requestHandlers.size() + eventHandlers.values().stream().mapToInt(List::size).sum();
    }
}
