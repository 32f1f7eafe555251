package dev.consulmesh.client.declarative;

import dev.consulmesh.client.NodeAnswer;
import dev.consulmesh.transport.server.DeclaredPattern;
import dev.consulmesh.transport.server.PatternField;
import dev.consulmesh.transport.wire.PatternRoute;
import org.springframework.core.ResolvableType;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * What one method of a {@link MeshService} interface sends and what it gives back, read once at
 * start-up from its annotation and signature.
 *
 * @param pattern    the pattern as sent: a string, or the object of an object pattern
 * @param declared   the pattern as declared (a string, or an object's JSON text), to declare it idempotent
 * @param route      the pattern's route, by which two methods are on the same pattern
 * @param payload    the type of the one parameter; null when the method takes none
 * @param answer     the type each answer value is read as; null for an event
 * @param withNode   whether the answer comes as a {@link NodeAnswer}
 */
record ExchangeMethod(Method method, Kind kind, JsonNode pattern, String declared, String route, JavaType payload,
                      Result result, JavaType answer, boolean withNode, boolean idempotent) {

    enum Kind { REQUEST, EVENT }

    /** The shape of the method's return value: {@code NONE} is a {@code void} event method, sent at once. */
    enum Result { MONO, FLUX, FUTURE, NONE }

    /**
     * @param placeholders resolves {@code ${...}} in a pattern's value
     * @throws IllegalStateException naming the method when it maps to no pattern, takes more than one
     *                               parameter or returns what the client cannot give
     */
    static ExchangeMethod of(Method method, Class<?> type, UnaryOperator<String> placeholders, PatternRoute routes,
                             ObjectMapper mapper) {
        MessageExchange message = method.getAnnotation(MessageExchange.class);
        EventExchange event = method.getAnnotation(EventExchange.class);
        String where = describe(method);
        if (message != null && event != null) {
            throw new IllegalStateException(where + " is both a @MessageExchange and an @EventExchange: keep one");
        }
        if (message == null && event == null) {
            throw new IllegalStateException(where + " maps to no pattern: annotate it @MessageExchange (a request)"
                    + " or @EventExchange (an event), or give it a default body");
        }
        if (method.getTypeParameters().length > 0) {
            throw new IllegalStateException(where + " declares type parameters: its payload and answer types must be"
                    + " known at start-up (write Mono<Order>, not <T> Mono<T>)");
        }
        if (method.getParameterCount() > 1) {
            throw new IllegalStateException(where + " takes " + method.getParameterCount() + " parameters: a call sends"
                    + " one payload, so take one parameter (a record holding them all) or none");
        }
        Kind kind = message != null ? Kind.REQUEST : Kind.EVENT;
        String annotation = message != null ? "@MessageExchange" : "@EventExchange";
        String value = resolve(message != null ? message.value() : event.value(), placeholders, annotation, where);
        PatternField[] fields = message != null ? message.fields() : event.fields();
        String declared = DeclaredPattern.of(annotation, value, fields, where, mapper);
        JavaType payload = method.getParameterCount() == 0 ? null
                : mapper.getTypeFactory().constructType(ResolvableType.forMethodParameter(method, 0, type).getType());
        ResolvableType returned = ResolvableType.forMethodReturnType(method, type);
        Result result = result(returned.resolve());
        ResolvableType element = returned.getGeneric(0);
        if (kind == Kind.EVENT) {
            if (result != Result.NONE && (result != Result.MONO || element.resolve() != Void.class)) {
                throw new IllegalStateException(where + " returns " + returned + ": an @EventExchange method returns"
                        + " Mono<Void>, sent when subscribed and completing once the event is written to a node,"
                        + " or is void, sent at once");
            }
            return new ExchangeMethod(method, kind, routes.asSent(declared), declared, routes.ofDeclared(declared),
                    payload, result, null, false, false);
        }
        if (result == null || result == Result.NONE || element.resolve() == null) {
            throw new IllegalStateException(where + " returns " + returned + ": a @MessageExchange method returns"
                    + " Mono<T>, Flux<T> or CompletableFuture<T> of its answer type T (or of NodeAnswer<T>)");
        }
        boolean withNode = element.resolve() == NodeAnswer.class;
        if (withNode) {
            element = element.getGeneric(0);
            if (result == Result.FLUX || element.resolve() == null || element.resolve() == Void.class) {
                throw new IllegalStateException(where + " returns " + returned + ": NodeAnswer<T> is the one answer of"
                        + " a Mono or CompletableFuture, with a value type T");
            }
        }
        if (result == Result.FLUX && element.resolve() == Void.class) {
            throw new IllegalStateException(where + " returns " + returned + ": a stream of nothing; return Mono<Void>"
                    + " to ignore the answer");
        }
        return new ExchangeMethod(method, kind, routes.asSent(declared), declared, routes.ofDeclared(declared), payload,
                result, mapper.getTypeFactory().constructType(element.getType()), withNode, message.idempotent());
    }

    /** Whether the caller only waits for the answer, not for its value ({@code Mono<Void>}). */
    boolean ignoresAnswer() {
        return answer != null && answer.hasRawClass(Void.class);
    }

    /** The method as messages name it: {@code com.example.Orders.order(OrderId)}. */
    static String describe(Method method) {
        return method.getDeclaringClass().getName() + "." + method.getName() + Arrays.stream(method.getParameterTypes())
                .map(Class::getSimpleName).collect(Collectors.joining(", ", "(", ")"));
    }

    private static Result result(Class<?> returned) {
        if (returned == Mono.class) {
            return Result.MONO;
        }
        if (returned == Flux.class) {
            return Result.FLUX;
        }
        if (returned == CompletableFuture.class || returned == CompletionStage.class) {
            return Result.FUTURE;
        }
        if (returned == void.class) {
            return Result.NONE;
        }
        return null;
    }

    private static String resolve(String value, UnaryOperator<String> placeholders, String annotation, String where) {
        try {
            return placeholders.apply(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(annotation + " on " + where + ": " + e.getMessage(), e);
        }
    }
}
