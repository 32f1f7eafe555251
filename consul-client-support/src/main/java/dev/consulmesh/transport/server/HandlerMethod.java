package dev.consulmesh.transport.server;

import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.CompletionStage;

/**
 * One annotated handler method, bound to its bean: turns a packet's data into the method's argument
 * and the method's result, whatever its shape, into a stream of values.
 */
public final class HandlerMethod {

    private final Object bean;
    private final Method method;
    private final JavaType payloadType;

    public HandlerMethod(Object bean, Method method, ObjectMapper mapper) {
        if (method.getParameterCount() > 1) {
            throw new IllegalStateException("handler " + describe(method)
                    + " must take at most one parameter (the payload), it takes " + method.getParameterCount());
        }
        this.bean = bean;
        this.method = method;
        this.payloadType = method.getParameterCount() == 0
                ? null
                : mapper.getTypeFactory().constructType(method.getGenericParameterTypes()[0]);
        method.setAccessible(true);
    }

    /**
     * Calls the method. Binding errors become an {@link RpcException} naming the expected type; errors
     * the method throws, synchronously or later, come out of the returned stream.
     */
    public Flux<Object> invoke(JsonNode data, ObjectMapper mapper) {
        Object result;
        try {
            result = payloadType == null ? method.invoke(bean) : method.invoke(bean, bind(data, mapper));
        } catch (InvocationTargetException e) {
            return Flux.error(e.getCause());
        } catch (IllegalAccessException e) {
            return Flux.error(e);
        } catch (RpcException e) {
            return Flux.error(e);
        }
        return toFlux(result);
    }

    private Object bind(JsonNode data, ObjectMapper mapper) {
        if (payloadType.getRawClass() == JsonNode.class) {
            return data;
        }
        try {
            return mapper.treeToValue(data, payloadType);
        } catch (Exception e) {
            throw new RpcException("invalid data: expected " + payloadType.getRawClass().getSimpleName()
                    + ", got " + abbreviate(data.toString()));
        }
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

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
