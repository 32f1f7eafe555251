package dev.consulmesh.pool;

/** Where a node stands in one caller's rotation. */
public enum NodeState {

    /** In rotation. */
    HEALTHY,
    /** Out of rotation after failures; probed until it answers again. */
    EJECTED,
    /**
     * Back after an ejection for timeouts or failing answers: takes a few calls at first, then a growing
     * share, until it answered enough of them; ejected again at its first failure.
     */
    TRIAL,
    /** Left Consul's healthy set; its client closes once its pending requests are answered. */
    DRAINING;

    public String text() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
