package dev.consulmesh.transport.wire;

import tools.jackson.databind.JsonNode;

import java.util.Objects;

/**
 * An answer to a request. {@code response} is null when the packet has no {@code response} key (a
 * JSON {@code null} value is a {@code NullNode}); {@code err} likewise; {@code status} is only set on the
 * "no matching handler" reply.
 */
public record ResponsePacket(JsonNode id, JsonNode response, JsonNode err, boolean disposed, String status)
        implements Packet {

    /** The exact text Nest answers with when no handler matches a request's pattern. */
    public static final String NO_MESSAGE_HANDLER =
            "There is no matching message handler defined in the remote service.";

    public ResponsePacket {
        Objects.requireNonNull(id, "id");
    }

    public static ResponsePacket value(JsonNode id, JsonNode response, boolean last) {
        return new ResponsePacket(id, Objects.requireNonNull(response, "response"), null, last, null);
    }

    public static ResponsePacket completion(JsonNode id) {
        return new ResponsePacket(id, null, null, true, null);
    }

    public static ResponsePacket error(JsonNode id, JsonNode err) {
        return new ResponsePacket(id, null, Objects.requireNonNull(err, "err"), true, null);
    }

    public static ResponsePacket noHandler(JsonNode id, tools.jackson.databind.node.JsonNodeFactory nodes) {
        return new ResponsePacket(id, null, nodes.stringNode(NO_MESSAGE_HANDLER), false, "error");
    }

    public boolean isError() {
        return err != null || status != null;
    }
}
