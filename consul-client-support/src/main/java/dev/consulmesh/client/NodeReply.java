package dev.consulmesh.client;

import tools.jackson.databind.JsonNode;
import dev.consulmesh.discovery.ServiceNode;

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
}
