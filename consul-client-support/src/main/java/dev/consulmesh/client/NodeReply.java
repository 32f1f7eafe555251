package dev.consulmesh.client;

import tools.jackson.databind.JsonNode;
import dev.consulmesh.discovery.ServiceNode;
import dev.consulmesh.transport.wire.RawJson;

import java.util.List;

/**
 * The answer to a request and the node that gave it.
 *
 * @param node   the node that answered
 * @param values the values of its response packets, in order (empty when the handler returned nothing)
 */
public record NodeReply(ServiceNode node, List<JsonNode> values) {

    public NodeReply {
        values = List.copyOf(values);
    }

    /** The last value, as Nest's {@code lastValueFrom(client.send(...))} gives it; null when there is none. */
    public JsonNode value() {
        return values.isEmpty() ? null : values.get(values.size() - 1);
    }

    /**
     * The last value as the bytes the node sent, for a call made with {@link MeshClient#sendKeepingBytes};
     * null when there is none.
     *
     * @throws IllegalArgumentException when the call did not keep its answer's bytes
     */
    public RawJson rawValue() {
        JsonNode last = value();
        return last == null ? null : RawJson.in(last);
    }
}
