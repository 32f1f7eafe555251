package dev.consulmesh.pool;

/** Where a node stands in one caller's rotation. */
public enum NodeState {

    /** In rotation. */
    HEALTHY,
    /** Out of rotation after failures; probed until it answers again. */
    EJECTED,
    /** Left Consul's healthy set; its client closes once its pending requests are answered. */
    DRAINING;

    public String text() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
