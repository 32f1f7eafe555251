package dev.consulmesh.balancing;

import dev.consulmesh.pool.PooledNode;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Picks the node for one attempt among the candidates of a service. */
public interface LoadBalancer {

    /** @param candidates the nodes the attempt may use, never empty; all take the same share */
    PooledNode choose(List<PooledNode> candidates);

    /**
     * Picks among candidates that take different shares (Consul's weights, slow start): a node of weight
     * 3 gets about three times the calls of one of weight 1, by the balancer's own rule. A balancer that
     * does not know weights picks at random in proportion to them.
     *
     * @param weights each candidate's weight, in the candidates' order
     */
    default PooledNode choose(List<PooledNode> candidates, double[] weights) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no node to choose from");
        }
        return candidates.get(WeightedPick.random(weights, ThreadLocalRandom.current()));
    }
}
