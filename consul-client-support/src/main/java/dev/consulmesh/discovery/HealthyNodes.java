package dev.consulmesh.discovery;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The instances of one service to route to at one moment, and how Consul sees every registered one.
 *
 * @param service     the service name
 * @param nodes       the instances to route to, in a stable order (by instance id): those passing in
 *                    Consul, plus, right after Consul was unreachable or restarted, those it listed
 *                    before and has not listed again yet (see {@code unconfirmed})
 * @param registered  every instance Consul lists, passing or not, by instance id
 * @param unconfirmed instance ids in {@code nodes} that Consul does not list as passing right now
 * @param index       Consul's index of this answer
 * @param receivedAt  when this answer arrived from Consul
 * @param warning     the instances whose checks warn (none critical): out of {@code nodes}; a caller that
 *                    follows Consul's weights routes to them at their warning weight
 */
public record HealthyNodes(String service, List<ServiceNode> nodes, Map<String, InstanceHealth> registered,
                           Set<String> unconfirmed, long index, Instant receivedAt, List<ServiceNode> warning) {

    public HealthyNodes {
        nodes = List.copyOf(nodes);
        registered = Map.copyOf(registered);
        unconfirmed = Set.copyOf(unconfirmed);
        warning = List.copyOf(warning);
    }

    /** Without instances in warning. */
    public HealthyNodes(String service, List<ServiceNode> nodes, Map<String, InstanceHealth> registered,
                        Set<String> unconfirmed, long index, Instant receivedAt) {
        this(service, nodes, registered, unconfirmed, index, receivedAt, List.of());
    }

    /** Passing instances only, as Consul listed them. */
    public HealthyNodes(String service, List<ServiceNode> nodes, long index, Instant receivedAt) {
        this(service, nodes, passing(nodes), Set.of(), index, receivedAt);
    }

    public boolean isEmpty() {
        return nodes.isEmpty();
    }

    /** How Consul sees an instance; null when Consul does not list it at all. */
    public InstanceHealth health(String instanceId) {
        return registered.get(instanceId);
    }

    private static Map<String, InstanceHealth> passing(List<ServiceNode> nodes) {
        return nodes.stream().collect(java.util.stream.Collectors.toMap(ServiceNode::instanceId,
                node -> new InstanceHealth(node.instanceId(), InstanceHealth.Status.PASSING, ""), (a, b) -> a));
    }
}
