package dev.consulmesh.pool;

import dev.consulmesh.window.LatencyHistogram;
import dev.consulmesh.window.SlidingWindow;

import java.time.Duration;

/**
 * One node's calls over the last {@link #WINDOW}, for people watching the mesh: calls per second, the
 * share that failed and the 99th percentile of their latency ({@link LatencyHistogram}: within 25%).
 * Fifteen buckets of two seconds in a {@link SlidingWindow}. The outlier rules keep their own window
 * ({@link OutcomeWindow}); this one only reports.
 */
public final class RecentCallWindow {

    public static final Duration WINDOW = Duration.ofSeconds(30);
    private static final int BUCKETS = 15;
    private static final long BUCKET_NANOS = WINDOW.toNanos() / BUCKETS;
    private static final int SUCCESS = 0;
    private static final int FAILURE = 1;
    private static final int LATENCY = 2;

    private final long startNanos;
    private final SlidingWindow window = new SlidingWindow(WINDOW, BUCKETS, LATENCY + LatencyHistogram.BUCKETS);

    RecentCallWindow(long startNanos) {
        this.startNanos = startNanos;
    }

    void outcome(boolean success, long nowNanos) {
        window.add(success ? SUCCESS : FAILURE, nowNanos);
    }

    void latency(long latencyNanos, long nowNanos) {
        window.add(LATENCY + LatencyHistogram.bucket(latencyNanos), nowNanos);
    }

    /** What the window holds at {@code nowNanos}. */
    Summary summary(long nowNanos) {
        long[] sums = window.sums(nowNanos);
        // The current bucket is partly filled, and a node seen only lately has no older ones.
        long covered = Math.min((BUCKETS - 1) * BUCKET_NANOS + Math.floorMod(nowNanos, BUCKET_NANOS),
                nowNanos - startNanos);
        double seconds = Math.max(covered, 1_000_000_000L) / 1e9;
        long calls = sums[SUCCESS] + sums[FAILURE];
        return new Summary(calls / seconds, calls == 0 ? 0 : 100.0 * sums[FAILURE] / calls,
                LatencyHistogram.percentileNanos(sums, LATENCY, 0.99) / 1e6);
    }

    /**
     * @param callsPerSecond calls that ended with an outcome, per second over the window
     * @param failurePercent failed calls as a share (percent) of them; 0 without calls
     * @param p99Millis      99th percentile of call latency in milliseconds (upper bound of its bucket); 0 without calls
     */
    public record Summary(double callsPerSecond, double failurePercent, double p99Millis) {
    }
}
