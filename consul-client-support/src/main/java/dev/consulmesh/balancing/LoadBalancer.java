package dev.consulmesh.balancing;

import dev.consulmesh.discovery.ServiceNode;

import java.util.List;

/** Picks the node for one call among the healthy nodes of a service. */
public interface LoadBalancer {

    /** @param nodes the healthy nodes, never empty */
    ServiceNode choose(List<ServiceNode> nodes);
}
