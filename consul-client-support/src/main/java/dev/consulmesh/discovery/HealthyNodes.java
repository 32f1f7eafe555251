package dev.consulmesh.discovery;

import java.time.Instant;
import java.util.List;

/**
 * The passing instances of one service at one moment.
 *
 * @param service    the service name
 * @param nodes      its passing instances, in a stable order (by instance id)
 * @param index      Consul's index of this answer
 * @param receivedAt when this answer arrived from Consul
 */
public record HealthyNodes(String service, List<ServiceNode> nodes, long index, Instant receivedAt) {

    public HealthyNodes {
        nodes = List.copyOf(nodes);
    }

    public boolean isEmpty() {
        return nodes.isEmpty();
    }
}
