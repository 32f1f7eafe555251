package dev.consulmesh.pool;

import java.time.Duration;
import java.util.Objects;

/**
 * When a node leaves rotation and how it comes back.
 *
 * @param consecutiveTimeouts  request timeouts in a row that eject a node (a refused, reset or timed-out
 *                             connection ejects at once)
 * @param baseTime             first ejection: time until the node is probed to come back
 * @param maxTime              longest time between probes of a node that keeps failing
 * @param jitter               random share (0..1) added to or taken from each ejection time, so nodes
 *                             ejected together are not probed in lockstep
 * @param panicThresholdPercent when fewer than this share of the listed nodes are in rotation, route
 *                             to the least-bad of all of them (0: only when none is left)
 * @param probeTimeout         how long a probe waits for the connection, then for the answer
 * @param outliers             ejection of nodes that answer badly or slowly compared with their peers
 */
public record EjectionSettings(int consecutiveTimeouts, Duration baseTime, Duration maxTime, double jitter,
                               int panicThresholdPercent, Duration probeTimeout, OutlierSettings outliers) {

    /** With the default outlier rules. */
    public EjectionSettings(int consecutiveTimeouts, Duration baseTime, Duration maxTime, double jitter,
                            int panicThresholdPercent, Duration probeTimeout) {
        this(consecutiveTimeouts, baseTime, maxTime, jitter, panicThresholdPercent, probeTimeout, OutlierSettings.defaults());
    }

    public EjectionSettings {
        Objects.requireNonNull(baseTime, "baseTime");
        Objects.requireNonNull(maxTime, "maxTime");
        Objects.requireNonNull(probeTimeout, "probeTimeout");
        Objects.requireNonNull(outliers, "outliers");
        if (consecutiveTimeouts < 1) {
            throw new IllegalArgumentException("consecutiveTimeouts must be at least 1, got " + consecutiveTimeouts);
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be between 0 and 1, got " + jitter);
        }
        if (panicThresholdPercent < 0 || panicThresholdPercent > 100) {
            throw new IllegalArgumentException("panicThresholdPercent must be 0..100, got " + panicThresholdPercent);
        }
        if (maxTime.compareTo(baseTime) < 0) {
            throw new IllegalArgumentException("maxTime " + maxTime + " is shorter than baseTime " + baseTime);
        }
    }

    public static EjectionSettings defaults() {
        return new EjectionSettings(3, Duration.ofSeconds(1), Duration.ofSeconds(15), 0.25, 0, Duration.ofSeconds(1));
    }
}
