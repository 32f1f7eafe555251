package dev.consulmesh.transport.wire;

import tools.jackson.databind.JsonNode;

import java.util.Objects;

/** An event ({@code emit}): {@code {"pattern":P,"data":D}} with no id, so no answer is expected. */
public record EventPacket(JsonNode pattern, JsonNode data) implements Packet {

    public EventPacket {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(data, "data");
    }
}
