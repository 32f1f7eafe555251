package dev.consulmesh.transport.server;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

import java.lang.reflect.Method;

/**
 * The pattern a {@link MessagePattern} or {@link EventPattern} declares, as the text the
 * {@link HandlerRegistry} routes: {@code value} as written, or {@code fields} as the JSON text of their
 * object, so both forms go through the one routing of {@code PatternRoute} and cannot route apart.
 */
final class DeclaredPattern {

    private DeclaredPattern() {
    }

    static String of(MessagePattern pattern, Method method, ObjectMapper mapper) {
        return of("@MessagePattern", pattern.value(), pattern.fields(), method, mapper);
    }

    static String of(EventPattern pattern, Method method, ObjectMapper mapper) {
        return of("@EventPattern", pattern.value(), pattern.fields(), method, mapper);
    }

    private static String of(String annotation, String value, PatternField[] fields, Method method, ObjectMapper mapper) {
        if (!value.isEmpty() && fields.length > 0) {
            throw new IllegalStateException(annotation + " on " + HandlerMethod.describe(method)
                    + " declares both a value (\"" + value + "\") and fields: keep one of them");
        }
        if (value.isEmpty() && fields.length == 0) {
            throw new IllegalStateException(annotation + " on " + HandlerMethod.describe(method)
                    + " declares no pattern: give a value (a string pattern or an object's JSON text) or fields");
        }
        if (fields.length == 0) {
            return value;
        }
        ObjectNode object = mapper.createObjectNode();
        for (PatternField field : fields) {
            if (object.has(field.name())) {
                throw new IllegalStateException(annotation + " on " + HandlerMethod.describe(method)
                        + " declares the field \"" + field.name() + "\" twice");
            }
            object.put(field.name(), field.value());
        }
        return mapper.writeValueAsString(object);
    }
}
