package dev.consulmesh.transport.server;

import jakarta.validation.Valid;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Which argument a handler method takes where: the payload (a parameter of any type other than
 * {@link MessageContext}) and the context, each at most once, in any order, either or both left out.
 * Any other signature fails when the handler is registered, naming the method.
 */
final class HandlerParameters {

    private static final int ABSENT = -1;

    private final int count;
    private final int payloadIndex;
    private final int contextIndex;
    private final PayloadBinder payload;

    private HandlerParameters(int count, int payloadIndex, int contextIndex, PayloadBinder payload) {
        this.count = count;
        this.payloadIndex = payloadIndex;
        this.contextIndex = contextIndex;
        this.payload = payload;
    }

    static HandlerParameters of(Method method, ObjectMapper mapper, PayloadValidator validator) {
        Parameter[] parameters = method.getParameters();
        int payloadIndex = ABSENT;
        int contextIndex = ABSENT;
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i].getType() == MessageContext.class) {
                if (contextIndex != ABSENT) {
                    throw unsupported(method, "two MessageContext parameters");
                }
                contextIndex = i;
            } else {
                if (payloadIndex != ABSENT) {
                    throw unsupported(method, "two payload parameters");
                }
                payloadIndex = i;
            }
        }
        PayloadBinder payload = payloadIndex == ABSENT ? null : new PayloadBinder(
                mapper.getTypeFactory().constructType(method.getGenericParameterTypes()[payloadIndex]), mapper,
                parameters[payloadIndex].isAnnotationPresent(Valid.class) ? validator : null);
        return new HandlerParameters(parameters.length, payloadIndex, contextIndex, payload);
    }

    /** The arguments of one call; throws {@link RpcException} when the data does not bind or validate. */
    Object[] arguments(JsonNode data, MessageContext context) {
        Object[] arguments = new Object[count];
        if (payloadIndex != ABSENT) {
            arguments[payloadIndex] = payload.bind(data);
        }
        if (contextIndex != ABSENT) {
            arguments[contextIndex] = context;
        }
        return arguments;
    }

    private static IllegalStateException unsupported(Method method, String problem) {
        String signature = Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(", ", "(", ")"));
        return new IllegalStateException("handler " + HandlerMethod.describe(method) + signature
                + " takes " + problem + ": a handler may take the payload (one parameter of any type, @Valid to"
                + " validate it) and a MessageContext, each at most once, in any order, or neither");
    }
}
