package dev.consulmesh.pool;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Peak-EWMA of a node's call latency (as Finagle and Linkerd keep it): a slower call than the average
 * is taken at once, faster ones pull the average down with a decay in time, so a node that turns slow
 * is avoided at its first slow answer and comes back gradually. Lock-free: each observation replaces
 * the average and its time stamp together.
 */
final class LatencyEwma {

    /** How fast older latencies fade: Linkerd's default. */
    static final long DECAY_NANOS = 10_000_000_000L;

    private final AtomicReference<Average> average = new AtomicReference<>(new Average(0, 0));

    void observe(long latencyNanos, long nowNanos) {
        average.updateAndGet(last -> last.after(latencyNanos, nowNanos));
    }

    /** The average in nanoseconds; 0 before the first call. */
    double nanos() {
        return average.get().nanos;
    }

    private record Average(double nanos, long stampNanos) {

        Average after(long latencyNanos, long nowNanos) {
            if (nanos == 0 || latencyNanos > nanos) {
                return new Average(latencyNanos, nowNanos);
            }
            double weight = Math.exp(-(double) Math.max(0, nowNanos - stampNanos) / DECAY_NANOS);
            return new Average(nanos * weight + latencyNanos * (1 - weight), nowNanos);
        }
    }
}
