package dev.consulmesh.pool;

/**
 * Peak-EWMA of a node's call latency (as Finagle and Linkerd keep it): a slower call than the average
 * is taken at once, faster ones pull the average down with a decay in time, so a node that turns slow
 * is avoided at its first slow answer and comes back gradually.
 */
final class LatencyEwma {

    /** How fast older latencies fade: Linkerd's default. */
    static final long DECAY_NANOS = 10_000_000_000L;

    private long stampNanos;
    private double averageNanos;

    synchronized void observe(long latencyNanos, long nowNanos) {
        if (averageNanos == 0 || latencyNanos > averageNanos) {
            averageNanos = latencyNanos;
        } else {
            double weight = Math.exp(-(double) Math.max(0, nowNanos - stampNanos) / DECAY_NANOS);
            averageNanos = averageNanos * weight + latencyNanos * (1 - weight);
        }
        stampNanos = nowNanos;
    }

    /** The average in nanoseconds; 0 before the first call. */
    synchronized double nanos() {
        return averageNanos;
    }
}
