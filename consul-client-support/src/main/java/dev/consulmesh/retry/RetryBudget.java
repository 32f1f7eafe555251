package dev.consulmesh.retry;

import java.util.function.LongSupplier;

/**
 * Caps retries over a sliding window of ten one-second buckets: at most {@code ratio} of the requests
 * made in the window plus {@code minPerSecond} for each second of it. A burst of failures when a node
 * dies is covered by the floor and the share; retries can never outgrow a fixed share of traffic, so
 * they cannot snowball when every node struggles.
 */
public final class RetryBudget {

    private static final int SECONDS = 10;

    private final double ratio;
    private final int minPerSecond;
    private final LongSupplier nanoClock;
    private final long[] requests = new long[SECONDS];
    private final long[] retries = new long[SECONDS];
    private final long[] bucketSecond = new long[SECONDS];

    public RetryBudget(double ratio, int minPerSecond) {
        this(ratio, minPerSecond, System::nanoTime);
    }

    RetryBudget(double ratio, int minPerSecond, LongSupplier nanoClock) {
        if (ratio < 0 || ratio > 1) {
            throw new IllegalArgumentException("the retry ratio must be between 0 and 1, got " + ratio);
        }
        if (minPerSecond < 0) {
            throw new IllegalArgumentException("the minimum retries per second must not be negative, got " + minPerSecond);
        }
        this.ratio = ratio;
        this.minPerSecond = minPerSecond;
        this.nanoClock = nanoClock;
        java.util.Arrays.fill(bucketSecond, Long.MIN_VALUE);
    }

    /** Counts a call (its first attempt). */
    public synchronized void recordRequest() {
        requests[bucket()]++;
    }

    /** Takes one retry from the budget; false when the budget is spent. */
    public synchronized boolean tryRetry() {
        int current = bucket();
        long requestsInWindow = 0;
        long retriesInWindow = 0;
        for (int i = 0; i < SECONDS; i++) {
            requestsInWindow += requests[i];
            retriesInWindow += retries[i];
        }
        double allowed = (double) minPerSecond * SECONDS + ratio * requestsInWindow;
        if (retriesInWindow + 1 > allowed) {
            return false;
        }
        retries[current]++;
        return true;
    }

    /**
     * What the budget holds now, for {@code /actuator/mesh}: calls and retries (hedges included) of the
     * last ten seconds, and how many retries that allows. Read-only.
     */
    public synchronized Usage usage() {
        long second = Math.floorDiv(nanoClock.getAsLong(), 1_000_000_000L);
        long requestsInWindow = 0;
        long retriesInWindow = 0;
        for (int i = 0; i < SECONDS; i++) {
            if (bucketSecond[i] != Long.MIN_VALUE && second - bucketSecond[i] < SECONDS) {
                requestsInWindow += requests[i];
                retriesInWindow += retries[i];
            }
        }
        long allowed = (long) Math.floor((double) minPerSecond * SECONDS + ratio * requestsInWindow);
        return new Usage(SECONDS, requestsInWindow, retriesInWindow, allowed);
    }

    /**
     * @param windowSeconds how far back the budget looks
     * @param calls         calls made in that window
     * @param retries       retries and hedges it granted in that window
     * @param allowed       retries it allows in that window ({@code ratio} of the calls plus {@code minPerSecond} a second)
     */
    public record Usage(long windowSeconds, long calls, long retries, long allowed) {
    }

    /** The bucket of the current second, emptied when it last served an older second. */
    private int bucket() {
        long second = Math.floorDiv(nanoClock.getAsLong(), 1_000_000_000L);
        int index = (int) Math.floorMod(second, SECONDS);
        if (bucketSecond[index] != second) {
            bucketSecond[index] = second;
            requests[index] = 0;
            retries[index] = 0;
        }
        return index;
    }
}
