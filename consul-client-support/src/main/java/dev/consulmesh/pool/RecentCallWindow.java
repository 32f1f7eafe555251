package dev.consulmesh.pool;

import java.time.Duration;
import java.util.Arrays;

/**
 * One node's calls over the last {@link #WINDOW}, for people watching the mesh: calls per second, the
 * share that failed and the 99th percentile of their latency. Fifteen buckets of two seconds, each with
 * a latency histogram of {@link #LATENCY_BUCKETS} exponential buckets (each 25% wider than the one
 * before, from 50 µs to about a minute), so memory stays fixed however many calls pass: a percentile is
 * the upper bound of its bucket, within 25% of the true value. The outlier rules keep their own window
 * ({@link OutcomeWindow}); this one only reports.
 */
public final class RecentCallWindow {

    public static final Duration WINDOW = Duration.ofSeconds(30);
    private static final int BUCKETS = 15;
    private static final long BUCKET_NANOS = WINDOW.toNanos() / BUCKETS;
    static final int LATENCY_BUCKETS = 64;
    private static final double SMALLEST_NANOS = 50_000;
    private static final double GROWTH = 1.25;
    private static final double LOG_GROWTH = Math.log(GROWTH);

    private final long startNanos;
    private final long[] bucketIndex = new long[BUCKETS];
    private final int[] successes = new int[BUCKETS];
    private final int[] failures = new int[BUCKETS];
    private final int[][] latencies = new int[BUCKETS][LATENCY_BUCKETS];

    RecentCallWindow(long startNanos) {
        this.startNanos = startNanos;
        Arrays.fill(bucketIndex, Long.MIN_VALUE);
    }

    synchronized void outcome(boolean success, long nowNanos) {
        int bucket = bucket(nowNanos);
        if (success) {
            successes[bucket]++;
        } else {
            failures[bucket]++;
        }
    }

    synchronized void latency(long latencyNanos, long nowNanos) {
        latencies[bucket(nowNanos)][latencyBucket(latencyNanos)]++;
    }

    /** What the window holds at {@code nowNanos}. */
    synchronized Summary summary(long nowNanos) {
        long current = Math.floorDiv(nowNanos, BUCKET_NANOS);
        long ok = 0;
        long failed = 0;
        long[] histogram = new long[LATENCY_BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            if (current - bucketIndex[i] < BUCKETS) {
                ok += successes[i];
                failed += failures[i];
                for (int b = 0; b < LATENCY_BUCKETS; b++) {
                    histogram[b] += latencies[i][b];
                }
            }
        }
        // The current bucket is partly filled, and a node seen only lately has no older ones.
        long covered = Math.min((BUCKETS - 1) * BUCKET_NANOS + Math.floorMod(nowNanos, BUCKET_NANOS),
                nowNanos - startNanos);
        double seconds = Math.max(covered, 1_000_000_000L) / 1e9;
        long calls = ok + failed;
        return new Summary(calls / seconds, calls == 0 ? 0 : 100.0 * failed / calls, percentileMillis(histogram, 0.99));
    }

    private int bucket(long nowNanos) {
        long index = Math.floorDiv(nowNanos, BUCKET_NANOS);
        int slot = (int) Math.floorMod(index, BUCKETS);
        if (bucketIndex[slot] != index) {
            bucketIndex[slot] = index;
            successes[slot] = 0;
            failures[slot] = 0;
            Arrays.fill(latencies[slot], 0);
        }
        return slot;
    }

    static int latencyBucket(long nanos) {
        if (nanos <= SMALLEST_NANOS) {
            return 0;
        }
        int bucket = (int) Math.ceil(Math.log(nanos / SMALLEST_NANOS) / LOG_GROWTH);
        return Math.min(bucket, LATENCY_BUCKETS - 1);
    }

    /** The upper bound of a latency bucket, in nanoseconds. */
    static double upperBoundNanos(int bucket) {
        return SMALLEST_NANOS * Math.pow(GROWTH, bucket);
    }

    /** The upper bound of the bucket holding the given percentile of latencies; 0 without latencies. */
    private static double percentileMillis(long[] histogram, double percentile) {
        long total = Arrays.stream(histogram).sum();
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(percentile * total);
        long seen = 0;
        for (int b = 0; b < LATENCY_BUCKETS; b++) {
            seen += histogram[b];
            if (seen >= rank) {
                return upperBoundNanos(b) / 1e6;
            }
        }
        return upperBoundNanos(LATENCY_BUCKETS - 1) / 1e6;
    }

    /**
     * @param callsPerSecond calls that ended with an outcome, per second over the window
     * @param failurePercent failed calls as a share (percent) of them; 0 without calls
     * @param p99Millis      99th percentile of call latency in milliseconds (upper bound of its bucket); 0 without calls
     */
    public record Summary(double callsPerSecond, double failurePercent, double p99Millis) {
    }
}
