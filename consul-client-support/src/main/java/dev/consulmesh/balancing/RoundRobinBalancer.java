package dev.consulmesh.balancing;

import dev.consulmesh.pool.PooledNode;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Takes the candidates in turn; the default strategy. With weights, turn n takes the node whose stretch of
 * the weights holds the fractional part of n times the golden ratio: a low-discrepancy sequence, so a node
 * of weight 3 takes three turns in four spread out, not in a block, without per-node state.
 */
public final class RoundRobinBalancer implements LoadBalancer {

    private final AtomicInteger next;

    public RoundRobinBalancer() {
        this(0);
    }

    /** Starts the turn at a given count (tests start it near the int overflow). */
    RoundRobinBalancer(int start) {
        this.next = new AtomicInteger(start);
    }

    @Override
    public PooledNode choose(List<PooledNode> candidates) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no node to choose from");
        }
        // Wraps to 0 rather than overflowing: MAX_VALUE and MIN_VALUE would pick the same node twice.
        int turn = next.getAndUpdate(count -> count == Integer.MAX_VALUE ? 0 : count + 1);
        return candidates.get(turn % candidates.size());
    }

    /** The golden ratio's fractional part: successive multiples of it fill [0, 1) most evenly. */
    private static final double GOLDEN = 0.6180339887498949;

    @Override
    public PooledNode choose(List<PooledNode> candidates, double[] weights) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no node to choose from");
        }
        int turn = next.getAndUpdate(count -> count == Integer.MAX_VALUE ? 0 : count + 1);
        double position = turn * GOLDEN;
        return candidates.get(WeightedPick.at(weights, position - Math.floor(position)));
    }
}
