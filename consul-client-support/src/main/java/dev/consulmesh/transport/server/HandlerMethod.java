package dev.consulmesh.transport.server;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import org.reactivestreams.Publisher;
import org.springframework.core.annotation.AnnotatedElementUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.CompletionStage;

/**
 * One annotated handler method, bound to its bean: turns a packet's data and context into the method's
 * arguments ({@link HandlerParameters}) and the method's result, whatever its shape, into a stream of
 * values. Where it is called — the I/O thread, or off it when {@link #isBlocking()} — is the
 * dispatcher's decision.
 */
public final class HandlerMethod {

    private final Object bean;
    private final Method method;
    private final HandlerParameters parameters;
    private final boolean blocking;

    /** A handler whose {@code @Valid} payloads are checked by a default validator. */
    public HandlerMethod(Object bean, Method method, ObjectMapper mapper) {
        this(bean, method, mapper, PayloadValidator.withDefaults());
    }

    /** @throws IllegalStateException naming the method when it takes parameters a handler cannot take */
    public HandlerMethod(Object bean, Method method, ObjectMapper mapper, PayloadValidator validator) {
        this.bean = bean;
        this.method = method;
        this.parameters = HandlerParameters.of(method, mapper, validator);
        this.blocking = AnnotatedElementUtils.hasAnnotation(method, Blocking.class);
        method.setAccessible(true);
    }

    /**
     * Calls the method. Binding and validation errors become an {@link RpcException}; errors the method
     * throws, synchronously or later, come out of the returned stream.
     */
    public Flux<Object> invoke(JsonNode data, MessageContext context) {
        Object result;
        try {
            result = method.invoke(bean, parameters.arguments(data, context));
        } catch (InvocationTargetException e) {
            return Flux.error(e.getCause());
        } catch (IllegalAccessException e) {
            return Flux.error(e);
        } catch (RpcException e) {
            return Flux.error(e);
        }
        return toFlux(result);
    }

    /** Whether the method is marked {@link Blocking}: it must not be called on an I/O thread. */
    public boolean isBlocking() {
        return blocking;
    }

    @SuppressWarnings("unchecked")
    private static Flux<Object> toFlux(Object result) {
        if (result == null) {
            return Flux.empty();
        }
        if (result instanceof Publisher<?> publisher) {
            return Flux.from((Publisher<Object>) publisher);
        }
        if (result instanceof CompletionStage<?> stage) {
            return Mono.fromCompletionStage((CompletionStage<Object>) stage).flux();
        }
        return Flux.just(result);
    }

    public String description() {
        return describe(method);
    }

    static String describe(Method method) {
        return method.getDeclaringClass().getName() + "#" + method.getName();
    }
}
