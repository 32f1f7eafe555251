package dev.consulmesh.gateway.resilience;

import java.time.Duration;
import java.util.Arrays;

/** Every latency a load run measured, for its percentiles. */
final class Latencies {

    private long[] nanos = new long[4096];
    private int count;

    synchronized void add(long latencyNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = latencyNanos;
    }

    /** The latency {@code fraction} of all measured ones do not exceed (0.99 for p99); zero when none. */
    synchronized Duration percentile(double fraction) {
        if (count == 0) {
            return Duration.ZERO;
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(fraction * count) - 1;
        return Duration.ofNanos(sorted[Math.max(0, Math.min(rank, count - 1))]);
    }

    Duration max() {
        return percentile(1.0);
    }
}
