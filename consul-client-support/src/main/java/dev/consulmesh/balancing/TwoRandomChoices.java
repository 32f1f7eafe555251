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
}
