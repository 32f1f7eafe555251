package dev.consulmesh.balancing;

import dev.consulmesh.pool.PooledNode;

import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import java.util.function.Supplier;

/**
 * Power of two choices: picks two different candidates at random and takes the one with fewer
 * requests outstanding from this caller. A slow node collects outstanding requests and gets fewer new
 * ones, without the herd effect of always picking the single least-loaded node.
 */
public final class LeastOutstandingBalancer extends TwoRandomChoices {

    public LeastOutstandingBalancer() {
        this(ThreadLocalRandom::current);
    }

    LeastOutstandingBalancer(Supplier<RandomGenerator> random) {
        super(random);
    }

    @Override
    double cost(PooledNode node) {
        return node.outstanding();
    }

    @Override
    double load(PooledNode node) {
        return node.outstanding();
    }
}
