package dev.consulmesh.pool;

import java.time.Duration;
import java.util.Objects;

/**
 * When a node that answers, but badly or slowly, leaves rotation (outlier detection as in Envoy), and
 * how it comes back. Every rule compares the node with the service's other nodes over a sliding window:
 * a failure every node gives (bad input from the caller) ejects none.
 *
 * @param consecutiveFailures      failures of any kind in a row that eject a node whose failure share
 *                                 stands out from its peers'
 * @param failurePercentThreshold  a node failing at least this share (percent) of its calls in the
 *                                 window is ejected when its share stands out
 * @param failurePercentMargin     percentage points by which a node's failure share must exceed that
 *                                 of the other nodes together to stand out
 * @param minimumRequests          calls in the window a node (and its peers together) must have had
 *                                 before the failure-share rule judges it
 * @param window                   the sliding window of outcomes
 * @param maxEjectionPercent       most nodes (share of those listed) out of rotation at once through
 *                                 these rules; at least one is always allowed
 * @param trialCalls               successful calls a node re-admitted after timeouts or failures makes
 *                                 on trial, with a small growing share, before it is healthy again
 * @param latencyFactor            a node whose median latency over the window is at least this many
 *                                 times its peers' (and at least latencyMinDifference above it) is
 *                                 ejected as a latency outlier; 0: never for latency
 * @param latencyMinDifference     how far above its peers' median a node's must be to stand out, so
 *                                 that sub-millisecond differences eject none
 * @param latencyGrace             how long a node that enters rotation (new, restarted, or back from an
 *                                 ejection) is not judged on its latency: its first calls pay for its
 *                                 cold start (a new connection, code not yet compiled) and say little
 *                                 about how it will serve; timeouts and failures still eject it
 */
public record OutlierSettings(int consecutiveFailures, int failurePercentThreshold, int failurePercentMargin,
                              int minimumRequests, Duration window, int maxEjectionPercent, int trialCalls,
                              double latencyFactor, Duration latencyMinDifference, Duration latencyGrace) {

    public static final double DEFAULT_LATENCY_FACTOR = 5;
    public static final Duration DEFAULT_LATENCY_MIN_DIFFERENCE = Duration.ofMillis(25);
    public static final Duration DEFAULT_LATENCY_GRACE = Duration.ofSeconds(10);

    /** With the default latency-outlier rule. */
    public OutlierSettings(int consecutiveFailures, int failurePercentThreshold, int failurePercentMargin,
                           int minimumRequests, Duration window, int maxEjectionPercent, int trialCalls) {
        this(consecutiveFailures, failurePercentThreshold, failurePercentMargin, minimumRequests, window,
                maxEjectionPercent, trialCalls, DEFAULT_LATENCY_FACTOR, DEFAULT_LATENCY_MIN_DIFFERENCE, DEFAULT_LATENCY_GRACE);
    }

    public OutlierSettings {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(latencyMinDifference, "latencyMinDifference");
        Objects.requireNonNull(latencyGrace, "latencyGrace");
        if (latencyGrace.isNegative()) {
            throw new IllegalArgumentException("latencyGrace must not be negative, got " + latencyGrace);
        }
        if (!(latencyFactor == 0 || latencyFactor >= 1.5)) {
            throw new IllegalArgumentException("latencyFactor must be 0 (off) or at least 1.5, got " + latencyFactor);
        }
        if (latencyMinDifference.isNegative()) {
            throw new IllegalArgumentException("latencyMinDifference must not be negative, got " + latencyMinDifference);
        }
        if (consecutiveFailures < 1) {
            throw new IllegalArgumentException("consecutiveFailures must be at least 1, got " + consecutiveFailures);
        }
        if (failurePercentThreshold < 1 || failurePercentThreshold > 100) {
            throw new IllegalArgumentException("failurePercentThreshold must be 1..100, got " + failurePercentThreshold);
        }
        if (failurePercentMargin < 0 || failurePercentMargin > 100) {
            throw new IllegalArgumentException("failurePercentMargin must be 0..100, got " + failurePercentMargin);
        }
        if (minimumRequests < 1) {
            throw new IllegalArgumentException("minimumRequests must be at least 1, got " + minimumRequests);
        }
        if (window.toMillis() < 10) {
            throw new IllegalArgumentException("window must be at least 10 ms, got " + window);
        }
        if (maxEjectionPercent < 0 || maxEjectionPercent > 100) {
            throw new IllegalArgumentException("maxEjectionPercent must be 0..100, got " + maxEjectionPercent);
        }
        if (trialCalls < 1) {
            throw new IllegalArgumentException("trialCalls must be at least 1, got " + trialCalls);
        }
    }

    public static OutlierSettings defaults() {
        return new OutlierSettings(5, 50, 30, 10, Duration.ofSeconds(10), 10, 5);
    }

    /** Whether nodes are ejected for latency that stands out from their peers'. */
    public boolean latencyEjection() {
        return latencyFactor > 0;
    }

    /** How many of {@code listed} nodes these rules may hold out of rotation at once (at least one). */
    public int maxEjected(int listed) {
        return Math.max(1, listed * maxEjectionPercent / 100);
    }
}
