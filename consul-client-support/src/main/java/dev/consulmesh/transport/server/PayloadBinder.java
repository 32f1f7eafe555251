package dev.consulmesh.transport.server;

import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Turns a packet's data into a handler's payload argument: bound with the application's Jackson mapper
 * to the parameter's type ({@code JsonNode} takes it raw), then checked when the parameter is
 * {@code @Valid}. A payload that does not bind is answered with an {@link RpcException} naming the
 * expected type, one that does not validate with an {@link InvalidPayloadException}.
 */
final class PayloadBinder {

    private final JavaType type;
    private final ObjectMapper mapper;
    private final PayloadValidator validator;

    /** @param validator null when the payload is not validated */
    PayloadBinder(JavaType type, ObjectMapper mapper, PayloadValidator validator) {
        this.type = type;
        this.mapper = mapper;
        this.validator = validator;
    }

    Object bind(JsonNode data) {
        Object payload = convert(data);
        if (validator != null) {
            if (payload == null) {
                // As Nest's ValidationPipe (toEmptyIfNil): a missing payload is checked as an empty object.
                payload = convert(mapper.createObjectNode());
            }
            validator.validate(payload);
        }
        return payload;
    }

    private Object convert(JsonNode data) {
        if (type.getRawClass() == JsonNode.class) {
            return data;
        }
        try {
            return mapper.treeToValue(data, type);
        } catch (Exception e) {
            throw new RpcException("invalid data: expected " + type.getRawClass().getSimpleName()
                    + ", got " + abbreviate(data.toString()));
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
