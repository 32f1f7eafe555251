package dev.consulmesh.pool;

import dev.consulmesh.window.LatencyHistogram;
import dev.consulmesh.window.SlidingWindow;

import java.time.Duration;

/**
 * The successes, failures and latencies of one node's calls over the outlier window (ten buckets), so
 * that old outcomes age out and the node's failure share and latency reflect how it serves now.
 */
final class OutcomeWindow {

    private static final int SUCCESS = 0;
    private static final int FAILURE = 1;
    private static final int LATENCY = 2;

    private final SlidingWindow window;

    OutcomeWindow(Duration span) {
        this.window = new SlidingWindow(span, 10, LATENCY + LatencyHistogram.BUCKETS);
    }

    void record(boolean success, long nowNanos) {
        window.add(success ? SUCCESS : FAILURE, nowNanos);
    }

    /** The time the caller waited on one of the node's attempts, however it ended. */
    void latency(long latencyNanos, long nowNanos) {
        window.add(LATENCY + LatencyHistogram.bucket(latencyNanos), nowNanos);
    }

    Outcomes outcomes(long nowNanos) {
        long[] sums = window.sums(nowNanos);
        return new Outcomes(sums[SUCCESS], sums[FAILURE]);
    }

    /** The latencies in the window, as a histogram of {@link LatencyHistogram#BUCKETS} buckets. */
    long[] latencies(long nowNanos) {
        long[] sums = window.sums(nowNanos);
        long[] histogram = new long[LatencyHistogram.BUCKETS];
        System.arraycopy(sums, LATENCY, histogram, 0, histogram.length);
        return histogram;
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
