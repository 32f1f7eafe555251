package dev.consulmesh.client;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The latencies of a service's latest answered attempts (the last 512), for a hedge delay that follows
 * the service: its 95th percentile, worked out again at most every 100 ms.
 */
final class LatencyWindow {

    private static final int SIZE = 512;
    private static final int MIN_SAMPLES = 20;
    private static final long REFRESH_NANOS = 100_000_000L;

    private final AtomicLongArray samples = new AtomicLongArray(SIZE);
    private final AtomicInteger count = new AtomicInteger();
    private volatile long p95Nanos;
    private volatile long computedAtNanos;

    void record(long nanos) {
        int at = count.getAndIncrement();
        samples.set(Math.floorMod(at, SIZE), nanos);
    }

    /** The recent 95th percentile; {@code fallback} until 20 attempts have answered. */
    Duration p95(Duration fallback) {
        int recorded = Math.min(count.get(), SIZE);
        if (recorded < MIN_SAMPLES) {
            return fallback;
        }
        long now = System.nanoTime();
        if (now - computedAtNanos > REFRESH_NANOS || p95Nanos == 0) {
            long[] sorted = new long[recorded];
            for (int i = 0; i < recorded; i++) {
                sorted[i] = samples.get(i);
            }
            Arrays.sort(sorted);
            p95Nanos = Math.max(1, sorted[(int) Math.ceil(recorded * 0.95) - 1]);
            computedAtNanos = now;
        }
        return Duration.ofNanos(p95Nanos);
    }
}
