package dev.consulmesh.retry;

import dev.consulmesh.window.SlidingWindow;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Caps retries over a sliding window of ten one-second buckets: at most {@code ratio} of the requests
 * made in the window plus {@code minPerSecond} for each second of it. A burst of failures when a node
 * dies is covered by the floor and the share; retries can never outgrow a fixed share of traffic, so
 * they cannot snowball when every node struggles. Lock-free; threads taking retries at once never
 * take more than the budget holds.
 */
public final class RetryBudget {

    private static final int SECONDS = 10;
    private static final int REQUESTS = 0;
    private static final int RETRIES = 1;

    private final double ratio;
    private final int minPerSecond;
    private final LongSupplier nanoClock;
    private final SlidingWindow window = new SlidingWindow(Duration.ofSeconds(SECONDS), SECONDS, 2);

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
    }

    /** Counts a call (its first attempt). */
    public void recordRequest() {
        window.add(REQUESTS, nanoClock.getAsLong());
    }

    /** Takes one retry from the budget; false when the budget is spent. */
    public boolean tryRetry() {
        return window.addIf(RETRIES, nanoClock.getAsLong(), sums -> sums[RETRIES] + 1 <= allowed(sums[REQUESTS]));
    }

    /** Whether a retry would be granted now (without taking it). */
    public boolean hasRetry() {
        long[] sums = window.sums(nanoClock.getAsLong());
        return sums[RETRIES] + 1 <= allowed(sums[REQUESTS]);
    }

    /**
     * What the budget holds now, for {@code /actuator/mesh}: calls and retries (hedges included) of the
     * last ten seconds, and how many retries that allows. Read-only.
     */
    public Usage usage() {
        long[] sums = window.sums(nanoClock.getAsLong());
        return new Usage(SECONDS, sums[REQUESTS], sums[RETRIES], (long) Math.floor(allowed(sums[REQUESTS])));
    }

    private double allowed(long requests) {
        return (double) minPerSecond * SECONDS + ratio * requests;
    }

    /**
     * @param windowSeconds how far back the budget looks
     * @param calls         calls made in that window
     * @param retries       retries and hedges it granted in that window
     * @param allowed       retries it allows in that window ({@code ratio} of the calls plus {@code minPerSecond} a second)
     */
    public record Usage(long windowSeconds, long calls, long retries, long allowed) {
    }
}
