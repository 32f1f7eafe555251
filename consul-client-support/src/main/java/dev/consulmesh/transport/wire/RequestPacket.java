package dev.consulmesh.transport.wire;

import tools.jackson.databind.JsonNode;

import java.util.Objects;

/**
 * A request ({@code send}): {@code {"pattern":P,"data":D,"id":I}}. The id is opaque and is echoed back
 * exactly as it came, whatever its JSON type.
 */
public record RequestPacket(JsonNode pattern, JsonNode data, JsonNode id) implements Packet {

    public RequestPacket {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(id, "id");
    }
}
