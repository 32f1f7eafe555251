package dev.consulmesh.balancing;

import dev.consulmesh.pool.PooledNode;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import java.util.function.Supplier;

/**
 * Power of two choices: picks two different candidates at random and takes the one with fewer
 * requests outstanding from this caller. A slow node collects outstanding requests and gets fewer new
 * ones, without the herd effect of always picking the single least-loaded node.
 */
public final class LeastOutstandingBalancer implements LoadBalancer {

    private final Supplier<RandomGenerator> random;

    public LeastOutstandingBalancer() {
        this(ThreadLocalRandom::current);
    }

    LeastOutstandingBalancer(Supplier<RandomGenerator> random) {
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
        return b.outstanding() < a.outstanding() ? b : a;
    }

    /**
     * With weights: two different candidates drawn in proportion to their weights, and of those the one
     * with fewer outstanding requests per unit of weight (a tie, as between idle nodes, goes to the first drawn, so idle
     * nodes share in proportion to their weights).
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
        return weight > 0 ? node.outstanding() / weight : Double.MAX_VALUE;
    }
}
