package dev.consulmesh.window;

import java.time.Duration;

/**
 * The latencies of a service's answered attempts over the last ten seconds, for an attempt timeout and
 * a hedge delay that follow the service: a percentile of them, worked out again at most every 100 ms
 * (reading sums the window's histogram; recording is one atomic increment).
 */
public final class LatencyWindow {

    public static final Duration SPAN = Duration.ofSeconds(10);
    /** Answered attempts the window must hold before its percentiles are trusted. */
    static final int MIN_SAMPLES = 20;
    private static final long REFRESH_NANOS = 100_000_000L;

    private final SlidingWindow window = new SlidingWindow(SPAN, 10, LatencyHistogram.BUCKETS);
    private volatile Snapshot snapshot = new Snapshot(Long.MIN_VALUE, new long[LatencyHistogram.BUCKETS]);

    /** An attempt answered after {@code latencyNanos}. */
    public void record(long latencyNanos, long nowNanos) {
        window.add(LatencyHistogram.bucket(latencyNanos), nowNanos);
    }

    /**
     * The {@code percentile} (0..1) of the latencies in the window, in nanoseconds (within 25%, rounded
     * up); -1 while the window holds fewer than {@value #MIN_SAMPLES} of them.
     */
    public long percentileNanos(double percentile, long nowNanos) {
        Snapshot latest = snapshot;
        if (nowNanos - latest.takenNanos > REFRESH_NANOS || latest.takenNanos == Long.MIN_VALUE) {
            latest = new Snapshot(nowNanos, window.sums(nowNanos));
            snapshot = latest;
        }
        if (LatencyHistogram.total(latest.histogram, 0) < MIN_SAMPLES) {
            return -1;
        }
        return (long) LatencyHistogram.percentileNanos(latest.histogram, 0, percentile);
    }

    private record Snapshot(long takenNanos, long[] histogram) {
    }
}
