package dev.consulmesh.balancing;

import dev.consulmesh.pool.PooledNode;

import java.util.List;

/** Picks the node for one attempt among the candidates of a service. */
public interface LoadBalancer {

    /** @param candidates the nodes the attempt may use, never empty */
    PooledNode choose(List<PooledNode> candidates);
}
