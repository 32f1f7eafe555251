package dev.consulmesh.transport.wire;

import tools.jackson.databind.JsonNode;

import java.util.Map;
import java.util.Objects;

/**
 * A request ({@code send}): {@code {"pattern":P,"data":D,"id":I}}. The id is opaque and is echoed back
 * exactly as it came, whatever its JSON type. {@code headers} (trace context, deadline) go last, as
 * {@code "metadata":{...}}, only when there are any: Nest 12 hands that object to its handler's
 * {@code TcpContext.getMetadata()}, older Nest ignores it, and without headers the frame is exactly Nest's.
 */
public record RequestPacket(JsonNode pattern, JsonNode data, JsonNode id, Map<String, String> headers) implements Packet {

    public RequestPacket {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(id, "id");
        headers = headers == null ? Map.of() : headers;
    }

    public RequestPacket(JsonNode pattern, JsonNode data, JsonNode id) {
        this(pattern, data, id, Map.of());
    }
}
