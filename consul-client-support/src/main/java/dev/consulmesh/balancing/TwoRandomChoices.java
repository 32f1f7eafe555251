package dev.consulmesh.balancing;

import dev.consulmesh.pool.PooledNode;

import java.util.List;
import java.util.random.RandomGenerator;
import java.util.function.Supplier;

/**
 * Power of two choices: picks two different candidates at random and takes the cheaper by the
 * subclass's cost. Close to always taking the cheapest node, without the herd that follows a single
 * cheapest node.
 */
abstract class TwoRandomChoices implements LoadBalancer {

    private final Supplier<RandomGenerator> random;

    TwoRandomChoices(Supplier<RandomGenerator> random) {
        this.random = random;
    }

    /** What sending one more call to the node costs; lower wins. */
    abstract double cost(PooledNode node);

    /**
     * The node's load when nodes take different shares, compared per unit of weight. Zero for an idle
     * node, so that idle nodes tie and the first drawn (drawn in proportion to weight) wins.
     */
    abstract double load(PooledNode node);

    @Override
    public final PooledNode choose(List<PooledNode> candidates) {
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

    /**
     * With weights: two different candidates drawn in proportion to their weights, and of those the one
     * with the lower load per unit of weight (a tie, as between idle nodes, goes to the first drawn, so
     * idle nodes share in proportion to their weights).
     */
    @Override
    public final PooledNode choose(List<PooledNode> candidates, double[] weights) {
        if (candidates.size() < 2) {
            return choose(candidates);
        }
        int[] two = WeightedPick.two(weights, random.get());
        PooledNode a = candidates.get(two[0]);
        PooledNode b = candidates.get(two[1]);
        return perWeight(b, weights[two[1]]) < perWeight(a, weights[two[0]]) ? b : a;
    }

    private double perWeight(PooledNode node, double weight) {
        return weight > 0 ? load(node) / weight : Double.MAX_VALUE;
    }
}
