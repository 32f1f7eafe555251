package dev.consulmesh.pool;

import dev.consulmesh.failure.CallFailure;

import java.util.Collection;
import java.util.Locale;

/**
 * Whether a node that keeps failing stands out from its service's other nodes, so that leaving it out
 * of rotation helps: failures in a row, or a failure share over the window, that the other nodes do
 * not share. A failure every node gives (bad input from the caller) ejects none.
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
