package dev.consulmesh.balancing;

import dev.consulmesh.pool.PooledNode;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Latency-aware power of two choices (Finagle's and Linkerd's peak-EWMA): picks two different
 * candidates at random and takes the one with the lower cost, its peak-EWMA latency times its
 * outstanding requests plus one. A node much slower than its peers gets a share of calls in proportion
 * to its speed; a node that turns slow is avoided from its first slow answer.
 */
public final class PeakEwmaBalancer extends TwoRandomChoices {

    /** The latency a node is assumed to have before its first answer: cheap, but not free. */
    static final double UNMEASURED_MILLIS = 1.0;

    public PeakEwmaBalancer() {
        this(ThreadLocalRandom::current);
    }

    PeakEwmaBalancer(Supplier<RandomGenerator> random) {
        super(random);
    }

    @Override
    double cost(PooledNode node) {
        double latency = Math.max(node.latencyMillis(), UNMEASURED_MILLIS);
        return latency * (node.outstanding() + 1);
    }

    @Override
    double load(PooledNode node) {
        return Math.max(node.latencyMillis(), UNMEASURED_MILLIS) * node.outstanding();
    }
}
