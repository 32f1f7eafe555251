package dev.consulmesh.balancing;

import java.util.function.Supplier;

/** The load-balancing strategies, chosen with {@code mesh.client.strategy}. */
public enum BalancingStrategy {

    /** Every node in turn. */
    ROUND_ROBIN(RoundRobinBalancer::new),
    /** Two random nodes, the one with fewer outstanding requests (P2C). */
    LEAST_OUTSTANDING(LeastOutstandingBalancer::new),
    /** Two random nodes, the one with the lower peak-EWMA latency times outstanding requests plus one. */
    PEAK_EWMA(PeakEwmaBalancer::new);

    private final Supplier<LoadBalancer> factory;

    BalancingStrategy(Supplier<LoadBalancer> factory) {
        this.factory = factory;
    }

    /** A new balancer of this strategy, for one service. */
    public LoadBalancer newBalancer() {
        return factory.get();
    }
}
