package dev.consulmesh.window;

/**
 * Latencies counted in {@link #BUCKETS} exponential buckets, each 25% wider than the one before, from
 * 50 µs to about a minute: fixed memory however many calls pass, and a percentile read as the upper
 * bound of its bucket, within 25% of the true value. Its buckets are fields of a {@link SlidingWindow}.
 */
public final class LatencyHistogram {

    public static final int BUCKETS = 64;
    private static final double SMALLEST_NANOS = 50_000;
    private static final double GROWTH = 1.25;
    private static final double LOG_GROWTH = Math.log(GROWTH);

    private LatencyHistogram() {
    }

    /** The bucket of a latency. */
    public static int bucket(long nanos) {
        if (nanos <= SMALLEST_NANOS) {
            return 0;
        }
        int bucket = (int) Math.ceil(Math.log(nanos / SMALLEST_NANOS) / LOG_GROWTH);
        return Math.min(bucket, BUCKETS - 1);
    }

    /** The upper bound of a bucket, in nanoseconds. */
    public static double upperBoundNanos(int bucket) {
        return SMALLEST_NANOS * Math.pow(GROWTH, bucket);
    }

    /** Latencies counted in {@code counts[from .. from + BUCKETS)}. */
    public static long total(long[] counts, int from) {
        long total = 0;
        for (int b = 0; b < BUCKETS; b++) {
            total += counts[from + b];
        }
        return total;
    }

    /**
     * The upper bound (nanoseconds) of the bucket holding the {@code percentile} (0..1) of the latencies
     * counted in {@code counts[from .. from + BUCKETS)}; 0 without latencies.
     */
    public static double percentileNanos(long[] counts, int from, double percentile) {
        long total = total(counts, from);
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(percentile * total));
        long seen = 0;
        for (int b = 0; b < BUCKETS; b++) {
            seen += counts[from + b];
            if (seen >= rank) {
                return upperBoundNanos(b);
            }
        }
        return upperBoundNanos(BUCKETS - 1);
    }
}
