package dev.consulmesh.transport.wire;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JacksonSerializable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.jsontype.TypeSerializer;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.JsonNodeType;
import tools.jackson.databind.node.POJONode;

import java.nio.charset.StandardCharsets;

/**
 * One JSON value as the UTF-8 bytes a peer sent, checked but not built into a tree: for a caller that
 * passes an answer on rather than reading it (the gateway writes a node's news items into its HTTP body
 * as they came). For an array, {@link PacketCodec} also noted where each element starts and ends while
 * it checked the bytes, so a caller can take some elements, or read one, without parsing the others.
 *
 * <p>It travels where answer values travel ({@code JsonNode}) inside a {@link POJONode} ({@link #asNode()},
 * {@link #in(JsonNode)}); written by Jackson, it is its bytes as they are.
 */
public final class RawJson implements JacksonSerializable {

    private final byte[] utf8;
    private final int start;
    private final int end;
    /** Start and end of each element of an array, in pairs; null when the value is not an array. */
    private final int[] elements;

    RawJson(byte[] utf8, int start, int end, int[] elements) {
        this.utf8 = utf8;
        this.start = start;
        this.end = end;
        this.elements = elements;
    }

    /** The raw value that {@link #asNode()} wrapped. */
    public static RawJson in(JsonNode node) {
        if (node instanceof POJONode pojo && pojo.getPojo() instanceof RawJson raw) {
            return raw;
        }
        throw new IllegalArgumentException("not a value kept as its bytes: " + (node == null ? "nothing" : node.getNodeType()));
    }

    /** This value where answer values travel; {@link #in(JsonNode)} takes it out again. */
    public JsonNode asNode() {
        return JsonNodeFactory.instance.pojoNode(this);
    }

    /** The JSON type of the value, from its first byte (the bytes were checked to be one JSON value). */
    public JsonNodeType type() {
        return switch (utf8[start]) {
            case '[' -> JsonNodeType.ARRAY;
            case '{' -> JsonNodeType.OBJECT;
            case '"' -> JsonNodeType.STRING;
            case 't', 'f' -> JsonNodeType.BOOLEAN;
            case 'n' -> JsonNodeType.NULL;
            default -> JsonNodeType.NUMBER;
        };
    }

    public boolean isArray() {
        return elements != null;
    }

    /** Elements of the array; 0 when the value is not one. */
    public int size() {
        return elements == null ? 0 : elements.length / 2;
    }

    /** The bytes the value is in (shared, not a copy: not to be changed); it spans {@link #start()} to {@link #end()}. */
    public byte[] utf8() {
        return utf8;
    }

    public int start() {
        return start;
    }

    public int end() {
        return end;
    }

    /** Where element {@code index} of the array starts in {@link #utf8()}. */
    public int elementStart(int index) {
        return elements[2 * index];
    }

    /** Where element {@code index} of the array ends (exclusive) in {@link #utf8()}. */
    public int elementEnd(int index) {
        return elements[2 * index + 1];
    }

    /** The value's JSON text. */
    public String text() {
        return new String(utf8, start, end - start, StandardCharsets.UTF_8);
    }

    @Override
    public void serialize(JsonGenerator generator, SerializationContext context) {
        generator.writeRawValue(text());
    }

    @Override
    public void serializeWithType(JsonGenerator generator, SerializationContext context, TypeSerializer types) {
        serialize(generator, context);
    }

    @Override
    public String toString() {
        return text();
    }
}
