package dev.consulmesh.client;

import dev.consulmesh.discovery.ServiceNode;

import java.util.Objects;

/**
 * A typed answer and the node that gave it, for callers that need to know which node answered (to show
 * it, or to log it). Unlike {@link NodeReply}, which holds every raw JSON value of the answer, this holds
 * its last value read as the caller's type.
 *
 * @param value the last value of the answer, read as the caller's type; never null (an answer without a
 *              value is an unusable one, see {@link MeshClient#sendForAnswer})
 * @param node  the node that answered
 */
public record NodeAnswer<T>(T value, ServiceNode node) {

    public NodeAnswer {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(node, "node");
    }
}
