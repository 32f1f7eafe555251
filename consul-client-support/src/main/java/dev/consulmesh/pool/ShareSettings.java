package dev.consulmesh.pool;

import java.time.Duration;

/**
 * How a service's nodes share its calls beyond the balancer: by Consul's weights of each instance, and
 * with slow start, a share that grows over a window for a node entering rotation (Envoy's formula).
 *
 * @param consulWeights    follow Consul's {@code Weights.Passing/Warning} (instances in warning join at their
 *                         warning weight); off, every passing node counts 1 and warning ones stay out
 * @param slowStartWindow  how long a node's share grows after it enters rotation (new, or back from an
 *                         ejection); zero: no slow start
 * @param aggression       how the share grows: (t / window) ^ (1 / aggression); 1 is linear, above 1 faster at first
 * @param minWeightPercent the share a node starts with, percent of its full weight
 */
public record ShareSettings(boolean consulWeights, Duration slowStartWindow, double aggression, double minWeightPercent) {

    public ShareSettings {
        if (slowStartWindow == null || slowStartWindow.isNegative()) {
            throw new IllegalArgumentException("slow-start window must be zero or positive, got " + slowStartWindow);
        }
        if (!(aggression > 0) || aggression > 100) {
            throw new IllegalArgumentException("slow-start aggression must be above 0 and at most 100, got " + aggression);
        }
        if (!(minWeightPercent > 0) || minWeightPercent > 100) {
            throw new IllegalArgumentException("slow-start min-weight-percent must be above 0 and at most 100, got "
                    + minWeightPercent);
        }
    }

    /** Consul's weights followed, no slow start. */
    public static ShareSettings defaults() {
        return new ShareSettings(true, Duration.ZERO, 1.0, 10.0);
    }

    public boolean slowStart() {
        return !slowStartWindow.isZero();
    }

    /**
     * The share (0..1] of its weight a node has {@code elapsedNanos} after it entered rotation:
     * max(min-weight-percent, (t / window) ^ (1 / aggression)), 1 once the window is over.
     */
    public double rampFactor(long elapsedNanos) {
        long window = slowStartWindow.toNanos();
        if (window == 0 || elapsedNanos >= window) {
            return 1.0;
        }
        double t = Math.max(0, elapsedNanos) / (double) window;
        double grown = aggression == 1.0 ? t : Math.pow(t, 1.0 / aggression);
        return Math.max(minWeightPercent / 100.0, grown);
    }
}
