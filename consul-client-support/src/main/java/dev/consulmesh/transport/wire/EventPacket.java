package dev.consulmesh.transport.wire;

import tools.jackson.databind.JsonNode;

import java.util.Map;
import java.util.Objects;

/**
 * An event ({@code emit}): {@code {"pattern":P,"data":D}} with no id, so no answer is expected;
 * {@code "metadata":{...}} last only when there are any (see {@link RequestPacket}).
 */
public record EventPacket(JsonNode pattern, JsonNode data, Map<String, String> headers) implements Packet {

    public EventPacket {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(data, "data");
        headers = headers == null ? Map.of() : headers;
    }

    public EventPacket(JsonNode pattern, JsonNode data) {
        this(pattern, data, Map.of());
    }
}
