package dev.consulmesh.balancing;

import dev.consulmesh.pool.PooledNode;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Latency-aware power of two choices (Finagle's and Linkerd's peak-EWMA): picks two different
 * candidates at random and takes the one with the lower cost, its peak-EWMA latency times its
 * outstanding requests plus one. A node much slower than its peers gets a share of calls in proportion
 * to its speed; a node that turns slow is avoided from its first slow answer.
 */
public final class PeakEwmaBalancer implements LoadBalancer {

    /** The latency a node is assumed to have before its first answer: cheap, but not free. */
    static final double UNMEASURED_MILLIS = 1.0;

    private final Supplier<RandomGenerator> random;

    public PeakEwmaBalancer() {
        this(ThreadLocalRandom::current);
    }

    PeakEwmaBalancer(Supplier<RandomGenerator> random) {
        this.random = random;
    }

    @Override
    public PooledNode choose(List<PooledNode> candidates) {
        int size = candidates.size();
        if (size == 0) {
            throw new IllegalArgumentException("no node to choose from");
        }
        if (size == 1) {
            return candidates.get(0);
        }
        RandomGenerator generator = random.get();
        int first = generator.nextInt(size);
        int second = generator.nextInt(size - 1);
        if (second >= first) {
            second++;
        }
        PooledNode a = candidates.get(first);
        PooledNode b = candidates.get(second);
        return cost(b) < cost(a) ? b : a;
    }

    static double cost(PooledNode node) {
        double latency = Math.max(node.latencyMillis(), UNMEASURED_MILLIS);
        return latency * (node.outstanding() + 1);
    }

    /**
     * With weights: two different candidates drawn in proportion to their weights, and of those the one
     * with the lower latency times outstanding requests per unit of weight (a tie, as between idle nodes, goes to the
     * first drawn, so idle nodes share in proportion to their weights).
     */
    @Override
    public PooledNode choose(List<PooledNode> candidates, double[] weights) {
        if (candidates.size() < 2) {
            return choose(candidates);
        }
        int[] two = WeightedPick.two(weights, random.get());
        PooledNode a = candidates.get(two[0]);
        PooledNode b = candidates.get(two[1]);
        return weighted(b, weights[two[1]]) < weighted(a, weights[two[0]]) ? b : a;
    }

    private static double weighted(PooledNode node, double weight) {
        return weight > 0 ? Math.max(node.latencyMillis(), UNMEASURED_MILLIS) * node.outstanding() / weight : Double.MAX_VALUE;
    }
}
