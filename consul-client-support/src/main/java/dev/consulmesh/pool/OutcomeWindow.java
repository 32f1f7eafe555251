package dev.consulmesh.pool;

/**
 * The successes and failures of one node's calls over a sliding window of ten buckets, so that old
 * outcomes age out and a node's failure share reflects how it serves now.
 */
final class OutcomeWindow {

    private static final int BUCKETS = 10;

    private final long bucketNanos;
    private final long[] successes = new long[BUCKETS];
    private final long[] failures = new long[BUCKETS];
    private final long[] bucketIndex = new long[BUCKETS];

    OutcomeWindow(java.time.Duration window) {
        this.bucketNanos = Math.max(1, window.toNanos() / BUCKETS);
        java.util.Arrays.fill(bucketIndex, Long.MIN_VALUE);
    }

    synchronized void record(boolean success, long nowNanos) {
        int bucket = bucket(nowNanos);
        if (success) {
            successes[bucket]++;
        } else {
            failures[bucket]++;
        }
    }

    synchronized Outcomes outcomes(long nowNanos) {
        long current = Math.floorDiv(nowNanos, bucketNanos);
        long ok = 0;
        long failed = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (current - bucketIndex[i] < BUCKETS) {
                ok += successes[i];
                failed += failures[i];
            }
        }
        return new Outcomes(ok, failed);
    }

    private int bucket(long nowNanos) {
        long index = Math.floorDiv(nowNanos, bucketNanos);
        int slot = (int) Math.floorMod(index, BUCKETS);
        if (bucketIndex[slot] != index) {
            bucketIndex[slot] = index;
            successes[slot] = 0;
            failures[slot] = 0;
        }
        return slot;
    }

    /** Outcomes counted in a window. */
    record Outcomes(long successes, long failures) {

        static final Outcomes NONE = new Outcomes(0, 0);

        long calls() {
            return successes + failures;
        }

        /** Failures as a percentage of calls; 0 without calls. */
        double failurePercent() {
            return calls() == 0 ? 0 : 100.0 * failures / calls();
        }

        Outcomes plus(Outcomes other) {
            return new Outcomes(successes + other.successes, failures + other.failures);
        }
    }
}
