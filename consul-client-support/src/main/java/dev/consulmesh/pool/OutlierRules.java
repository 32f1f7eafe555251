package dev.consulmesh.pool;

import dev.consulmesh.failure.CallFailure;
import dev.consulmesh.window.LatencyHistogram;

import java.util.Collection;
import java.util.Locale;

/**
 * Whether a node that keeps failing stands out from its service's other nodes, so that leaving it out
 * of rotation helps: failures in a row, or a failure share over the window, that the other nodes do
 * not share, or a median latency far above theirs. A failure every node gives (bad input from the
 * caller), or a slowness every node shares (load, a pause of the caller or of all nodes), ejects none.
 */
final class OutlierRules {

    private final OutlierSettings settings;

    OutlierRules(OutlierSettings settings) {
        this.settings = settings;
    }

    /**
     * Why {@code node} should leave rotation after its failure {@code latest}, or null when it should
     * stay: its failure share does not stand out from that of {@code nodes} (the service's nodes, itself
     * among them), or it has not failed long or often enough.
     */
    String verdict(PooledNode node, Collection<PooledNode> nodes, CallFailure latest, long nowNanos) {
        Comparison comparison = compare(node, nodes, nowNanos);
        if (!comparison.standsOut()) {
            return null;
        }
        int inARow = node.failuresInARow();
        if (inARow >= settings.consecutiveFailures()) {
            return inARow + " failures in a row, the latest " + describe(latest) + " (" + comparison + ")";
        }
        if (comparison.mine.calls() >= settings.minimumRequests() && comparison.others.calls() >= settings.minimumRequests()
                && comparison.mine.failurePercent() >= settings.failurePercentThreshold()) {
            return "a failure share far above the other nodes' (" + comparison + ")";
        }
        return null;
    }

    /**
     * Why {@code node} should leave rotation for its latency, or null when it should stay: its median
     * latency over the window is at least latency-factor times that of its peers together, and
     * latency-min-difference above it, with minimum-requests calls on each side. A node within its
     * latency-grace since it entered rotation is not judged: its cold start is not how it serves.
     */
    String latencyVerdict(PooledNode node, Collection<PooledNode> nodes, long nowNanos) {
        if (!settings.latencyEjection() || nowNanos - node.inRotationSinceNanos() < settings.latencyGrace().toNanos()) {
            return null;
        }
        long[] mine = node.latencies(nowNanos);
        long[] others = peersLatencies(node, nodes, nowNanos);
        long myCalls = LatencyHistogram.total(mine, 0);
        long theirCalls = LatencyHistogram.total(others, 0);
        if (myCalls < settings.minimumRequests() || theirCalls < settings.minimumRequests()) {
            return null;
        }
        double myMedian = LatencyHistogram.percentileNanos(mine, 0, 0.5);
        double theirMedian = LatencyHistogram.percentileNanos(others, 0, 0.5);
        if (!standsOut(myMedian, theirMedian)) {
            return null;
        }
        return String.format(Locale.ROOT, "a median latency of %.1f ms over its %d calls in the last %d s, %.0fx the"
                        + " other nodes' %.1f ms over their %d (latency-factor %s)", myMedian / 1e6, myCalls,
                settings.window().toSeconds(), myMedian / theirMedian, theirMedian / 1e6, theirCalls,
                settings.latencyFactor());
    }

    /**
     * Why a call of {@code latencyNanos} by a node on trial fails its trial: far slower than its peers'
     * median; null when it does not stand out or there is nothing to compare it with.
     */
    String slowTrialCall(PooledNode node, Collection<PooledNode> nodes, long latencyNanos, long nowNanos) {
        if (!settings.latencyEjection()) {
            return null;
        }
        long[] others = peersLatencies(node, nodes, nowNanos);
        if (LatencyHistogram.total(others, 0) < settings.minimumRequests()) {
            return null;
        }
        double theirMedian = LatencyHistogram.percentileNanos(others, 0, 0.5);
        return standsOut(latencyNanos, theirMedian) ? String.format(Locale.ROOT,
                "a call on trial took %.1f ms, the other nodes' median %.1f ms", latencyNanos / 1e6, theirMedian / 1e6)
                : null;
    }

    /** The latencies of every node but {@code node} over the window, as one histogram. */
    private static long[] peersLatencies(PooledNode node, Collection<PooledNode> nodes, long nowNanos) {
        long[] others = new long[LatencyHistogram.BUCKETS];
        for (PooledNode peer : nodes) {
            if (peer != node) {
                long[] theirs = peer.latencies(nowNanos);
                for (int b = 0; b < others.length; b++) {
                    others[b] += theirs[b];
                }
            }
        }
        return others;
    }

    private boolean standsOut(double latencyNanos, double peersNanos) {
        return latencyNanos >= settings.latencyFactor() * peersNanos
                && latencyNanos - peersNanos >= settings.latencyMinDifference().toNanos();
    }

    /** Whether the node's failure share over the window exceeds the other nodes' by the margin. */
    boolean standsOut(PooledNode node, Collection<PooledNode> nodes, long nowNanos) {
        return compare(node, nodes, nowNanos).standsOut();
    }

    private Comparison compare(PooledNode node, Collection<PooledNode> nodes, long nowNanos) {
        OutcomeWindow.Outcomes others = OutcomeWindow.Outcomes.NONE;
        for (PooledNode peer : nodes) {
            if (peer != node) {
                others = others.plus(peer.outcomes(nowNanos));
            }
        }
        return new Comparison(node.outcomes(nowNanos), others);
    }

    private static String describe(CallFailure failure) {
        String kind = failure.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return failure.cause().isEmpty() ? kind : kind + ": " + failure.cause();
    }

    private final class Comparison {
        final OutcomeWindow.Outcomes mine;
        final OutcomeWindow.Outcomes others;

        Comparison(OutcomeWindow.Outcomes mine, OutcomeWindow.Outcomes others) {
            this.mine = mine;
            this.others = others;
        }

        /** Without calls to the other nodes there is nothing to compare with: a failure they would give too cannot be told apart. */
        boolean standsOut() {
            return others.calls() > 0 && mine.failurePercent() - others.failurePercent() >= settings.failurePercentMargin();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.0f%% of its %d calls in the last %d s failed, %.0f%% of the other nodes' %d",
                    mine.failurePercent(), mine.calls(), settings.window().toSeconds(), others.failurePercent(), others.calls());
        }
    }
}
