package dev.consulmesh.client.declarative;

import dev.consulmesh.client.ServiceSettings;
import dev.consulmesh.transport.wire.PatternRoute;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * A {@link MeshService} interface read once at start-up: the service it calls and what each of its
 * methods sends. Needs nothing of the running application but its placeholders, so a wrong interface
 * fails before anything connects.
 */
final class ServiceInterface {

    /**
     * Patterns and types are read with a plain mapper: what a declaration means does not depend on the
     * application's Jackson settings, which only apply to the values sent and answered.
     */
    private static final ObjectMapper DECLARATIONS = JsonMapper.shared();
    private static final PatternRoute ROUTES = new PatternRoute(DECLARATIONS);

    private final Class<?> type;
    private final String service;
    private final Map<Method, ExchangeMethod> methods;

    private ServiceInterface(Class<?> type, String service, Map<Method, ExchangeMethod> methods) {
        this.type = type;
        this.service = service;
        this.methods = methods;
    }

    /**
     * @param placeholders resolves {@code ${...}} in the service name and the patterns (the Environment's)
     * @throws IllegalStateException naming the interface or method when it cannot be a client
     */
    static ServiceInterface of(Class<?> type, UnaryOperator<String> placeholders) {
        MeshService annotation = type.getAnnotation(MeshService.class);
        if (!type.isInterface() || annotation == null) {
            throw new IllegalStateException(type.getName() + " is not an interface annotated @MeshService");
        }
        String service;
        try {
            service = placeholders.apply(annotation.value());
            ServiceSettings.requireValidName(service, "@MeshService on " + type.getName());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage().startsWith("@MeshService") ? e.getMessage()
                    : "@MeshService on " + type.getName() + ": " + e.getMessage(), e);
        }
        Map<Method, ExchangeMethod> methods = new LinkedHashMap<>();
        Map<String, ExchangeMethod> byRoute = new HashMap<>();
        for (Method method : sorted(type.getMethods())) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            ExchangeMethod exchange = ExchangeMethod.of(method, type, placeholders, ROUTES, DECLARATIONS);
            ExchangeMethod other = byRoute.putIfAbsent(exchange.route(), exchange);
            if (other != null) {
                requireAgreement(service, other, exchange);
            }
            methods.put(method, exchange);
        }
        return new ServiceInterface(type, service, Map.copyOf(methods));
    }

    /** Two methods on one pattern must send and read it alike: the pattern has one handler on the node. */
    private static void requireAgreement(String service, ExchangeMethod first, ExchangeMethod second) {
        String difference = first.kind() != second.kind() ? "one sends a request, the other an event"
                : !Objects.equals(first.payload(), second.payload()) ? "payload " + typeName(first.payload())
                        + " against " + typeName(second.payload())
                : !Objects.equals(first.answer(), second.answer()) ? "answer " + typeName(first.answer())
                        + " against " + typeName(second.answer())
                : first.idempotent() != second.idempotent() ? "idempotent = " + first.idempotent()
                        + " against " + second.idempotent()
                : null;
        if (difference != null) {
            throw new IllegalStateException(ExchangeMethod.describe(first.method()) + " and "
                    + ExchangeMethod.describe(second.method()) + " both map to pattern " + first.declared()
                    + " of service '" + service + "' but disagree (" + difference + "): a pattern has one payload"
                    + " and one answer type; give one of them another pattern or the same types");
        }
    }

    private static String typeName(JavaType type) {
        return type == null ? "none" : type.toCanonical();
    }

    /** Methods in a stable order, so the same conflict is always reported the same way. */
    private static Method[] sorted(Method[] methods) {
        Method[] copy = methods.clone();
        Arrays.sort(copy, Comparator.comparing(ExchangeMethod::describe));
        return copy;
    }

    Class<?> type() {
        return type;
    }

    String service() {
        return service;
    }

    /** The method's exchange; null for a method that is not one (a default or Object method). */
    ExchangeMethod exchange(Method method) {
        return methods.get(method);
    }

    /** The patterns its methods declare idempotent, as declared. */
    Set<String> idempotentPatterns() {
        Set<String> patterns = new TreeSet<>();
        methods.values().stream().filter(ExchangeMethod::idempotent).forEach(method -> patterns.add(method.declared()));
        return patterns;
    }
}
