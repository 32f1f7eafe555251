package dev.consulmesh.client;

import dev.consulmesh.transport.wire.RawJson;
import dev.consulmesh.transport.wire.RawJsonArray;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeType;

/**
 * Answer types read as the bytes the node sent rather than as a tree: {@link RawJson} (any value) and
 * {@link RawJsonArray} (an array, or the answer is unusable). A call whose value type is one of them
 * asks its connection to keep the answer's bytes.
 */
final class RawAnswers {

    private RawAnswers() {
    }

    static boolean keepsBytes(JavaType type) {
        return type.hasRawClass(RawJson.class) || type.hasRawClass(RawJsonArray.class);
    }

    /**
     * The value as {@code type}, one of the {@linkplain #keepsBytes raw types}; null for JSON's null.
     *
     * @throws IllegalArgumentException when an array was expected and the value is not one
     */
    static Object read(JsonNode value, JavaType type) {
        RawJson raw = RawJson.in(value);
        if (raw.type() == JsonNodeType.NULL) {
            return null;
        }
        return type.hasRawClass(RawJsonArray.class) ? new RawJsonArray(raw) : raw;
    }
}
