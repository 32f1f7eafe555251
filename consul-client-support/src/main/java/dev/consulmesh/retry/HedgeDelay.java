package dev.consulmesh.retry;

import dev.consulmesh.window.LatencyWindow;

import java.time.Duration;

/**
 * How long a hedged call's first attempt runs alone before a second one starts: a fixed delay, or the
 * service's own p95 of answered attempts over the last ten seconds (the attempt timeout until 20 of
 * them answered), read from the same window as the adaptive {@link AttemptTimeout}.
 */
public final class HedgeDelay {

    private static final double PERCENTILE = 0.95;

    private final Duration fixed;
    private final Duration untilKnown;
    private final LatencyWindow latencies;

    /**
     * @param fixed      a fixed delay, or zero for the service's p95
     * @param untilKnown the delay while the service's latency is not known yet (its attempt timeout)
     */
    public HedgeDelay(Duration fixed, Duration untilKnown, LatencyWindow latencies) {
        this.fixed = fixed;
        this.untilKnown = untilKnown;
        this.latencies = latencies;
    }

    /** The delay of a call starting now. */
    public Duration now(long nowNanos) {
        if (!fixed.isZero()) {
            return fixed;
        }
        long p95 = latencies.percentileNanos(PERCENTILE, nowNanos);
        return p95 < 0 ? untilKnown : Duration.ofNanos(Math.max(1, p95));
    }

    /** The delay now and where it comes from, for people watching the mesh. */
    public String describe(long nowNanos) {
        if (!fixed.isZero()) {
            return fixed.toMillis() + " ms: fixed (hedge.delay)";
        }
        long p95 = latencies.percentileNanos(PERCENTILE, nowNanos);
        return p95 < 0 ? untilKnown.toMillis() + " ms: the attempt timeout, until 20 attempts answered in the last "
                + LatencyWindow.SPAN.toSeconds() + " s"
                : String.format(java.util.Locale.ROOT, "%.1f ms: the service's p95 over the last %d s", p95 / 1e6,
                LatencyWindow.SPAN.toSeconds());
    }
}
