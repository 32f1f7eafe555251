package dev.consulmesh.pool;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Peak-EWMA of a node's call latency (as Finagle and Linkerd keep it): a slower call than the average
 * is taken at once, faster ones pull the average down with a decay in time, so a node that turns slow
 * is avoided at its first slow answer and comes back gradually. The average also fades while no call
 * ends (read decays it toward zero, as Finagle's does): a balancer that avoids a node stops giving it
 * answers that could lower its average, and without the fade one slow answer (a cold start, a pause
 * every node shared) would starve it for good. Lock-free: each observation replaces the average and its
 * time stamp together.
 */
final class LatencyEwma {

    /** How fast older latencies fade: Linkerd's default. */
    static final long DECAY_NANOS = 10_000_000_000L;

    private final AtomicReference<Average> average = new AtomicReference<>(new Average(0, 0));

    void observe(long latencyNanos, long nowNanos) {
        average.updateAndGet(last -> last.after(latencyNanos, nowNanos));
    }

    /** The average in nanoseconds at {@code nowNanos}, faded since the last call ended; 0 before the first call. */
    double nanos(long nowNanos) {
        Average last = average.get();
        return last.nanos * Math.exp(-(double) Math.max(0, nowNanos - last.stampNanos) / DECAY_NANOS);
    }

    /** Forgets every latency seen: the node starts again as one never measured (back from an ejection). */
    void forget() {
        average.set(new Average(0, 0));
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
