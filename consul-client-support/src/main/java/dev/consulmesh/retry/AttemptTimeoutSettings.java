package dev.consulmesh.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * How long one attempt of an idempotent call waits before the call moves on to another node.
 *
 * @param cap        the longest wait, and the wait while the service's latency is not known yet
 *                   ({@code attempt-timeout})
 * @param adaptive   whether the wait follows the service's latency; off: always {@code cap}
 * @param floor      the shortest wait, however fast the service answers
 * @param multiplier the wait is this many times the service's latency percentile
 * @param percentile which percentile (0..1) of the service's answered attempts over the last ten seconds
 */
public record AttemptTimeoutSettings(Duration cap, boolean adaptive, Duration floor, double multiplier, double percentile) {

    public AttemptTimeoutSettings {
        Objects.requireNonNull(cap, "cap");
        Objects.requireNonNull(floor, "floor");
        if (floor.compareTo(cap) > 0) {
            throw new IllegalArgumentException("the adaptive timeout's floor " + floor.toMillis()
                    + " ms is longer than the attempt timeout " + cap.toMillis() + " ms");
        }
        if (!(multiplier >= 1)) {
            throw new IllegalArgumentException("the adaptive timeout's multiplier must be at least 1, got " + multiplier);
        }
        if (!(percentile > 0 && percentile < 1)) {
            throw new IllegalArgumentException("the adaptive timeout's percentile must be above 0 and below 1, got " + percentile);
        }
    }

    /** A fixed wait of {@code cap}. */
    public static AttemptTimeoutSettings fixed(Duration cap) {
        return new AttemptTimeoutSettings(cap, false, cap, 1, 0.99);
    }
}
