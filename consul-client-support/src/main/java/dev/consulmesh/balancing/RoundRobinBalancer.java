package dev.consulmesh.balancing;

import dev.consulmesh.discovery.ServiceNode;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Takes the healthy nodes in turn; the default strategy. */
public final class RoundRobinBalancer implements LoadBalancer {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public ServiceNode choose(List<ServiceNode> nodes) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("no node to choose from");
        }
        return nodes.get(Math.floorMod(next.getAndIncrement(), nodes.size()));
    }
}
