package dev.consulmesh.transport.server;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

import java.lang.reflect.Method;

/**
 * The pattern a {@link MessagePattern} or {@link EventPattern} declares, as the text the
 * {@link HandlerRegistry} routes: {@code value} as written, or {@code fields} as the JSON text of their
 * object, so both forms go through the one routing of {@code PatternRoute} and cannot route apart.
 * Callers declaring the patterns they send (the declarative client) read theirs here too: a pattern
 * written the same way on both sides is the same pattern.
 */
public final class DeclaredPattern {

    private DeclaredPattern() {
    }

    static String of(MessagePattern pattern, Method method, ObjectMapper mapper) {
        return of("@MessagePattern", pattern.value(), pattern.fields(), HandlerMethod.describe(method), mapper);
    }

    static String of(EventPattern pattern, Method method, ObjectMapper mapper) {
        return of("@EventPattern", pattern.value(), pattern.fields(), HandlerMethod.describe(method), mapper);
    }

    /**
     * The pattern an annotation declares by {@code value} or by {@code fields}.
     *
     * @param annotation the annotation, as the message names it ({@code "@MessageExchange"})
     * @param where      the method it is on, as the message names it
     * @throws IllegalStateException naming annotation and method when it declares both forms, or neither,
     *                               or a field twice
     */
    public static String of(String annotation, String value, PatternField[] fields, String where, ObjectMapper mapper) {
        if (!value.isEmpty() && fields.length > 0) {
            throw new IllegalStateException(annotation + " on " + where
                    + " declares both a value (\"" + value + "\") and fields: keep one of them");
        }
        if (value.isEmpty() && fields.length == 0) {
            throw new IllegalStateException(annotation + " on " + where
                    + " declares no pattern: give a value (a string pattern or an object's JSON text) or fields");
        }
        if (fields.length == 0) {
            return value;
        }
        ObjectNode object = mapper.createObjectNode();
        for (PatternField field : fields) {
            if (object.has(field.name())) {
                throw new IllegalStateException(annotation + " on " + where
                        + " declares the field \"" + field.name() + "\" twice");
            }
            object.put(field.name(), field.value());
        }
        return mapper.writeValueAsString(object);
    }
}
