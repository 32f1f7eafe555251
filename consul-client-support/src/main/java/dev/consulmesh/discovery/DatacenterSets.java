package dev.consulmesh.discovery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One service's instances in the local datacenter and in the datacenters it fails over to, as one set:
 * each node carries its datacenter, so the caller can rank them (local first). Each datacenter has its
 * own watcher (a blocking query with Consul's {@code dc} parameter); any change publishes the union.
 */
public final class DatacenterSets {

    private final HealthyNodesWatcher local;
    private final List<HealthyNodesWatcher> watchers;
    private final Consumer<HealthyNodes> target;

    /**
     * @param local  the watcher of the local datacenter; its answers decide the set's index and time
     * @param others the watchers of the failover datacenters, in order
     * @param target called with every changed union, on a watcher's thread
     */
    public DatacenterSets(HealthyNodesWatcher local, List<HealthyNodesWatcher> others, Consumer<HealthyNodes> target) {
        this.local = local;
        this.watchers = new ArrayList<>();
        this.watchers.add(local);
        this.watchers.addAll(others);
        this.target = target;
        for (HealthyNodesWatcher watcher : watchers) {
            watcher.onChange(changed -> publish());
        }
    }

    /** The union of what every watcher knows now; null before the local datacenter first answered. */
    public synchronized HealthyNodes current() {
        HealthyNodes home = local.current();
        if (home == null) {
            return null;
        }
        List<ServiceNode> nodes = new ArrayList<>();
        List<ServiceNode> warning = new ArrayList<>();
        Map<String, InstanceHealth> registered = new HashMap<>();
        Set<String> unconfirmed = new HashSet<>();
        for (HealthyNodesWatcher watcher : watchers) {
            HealthyNodes set = watcher.current();
            if (set != null) {
                nodes.addAll(set.nodes());
                warning.addAll(set.warning());
                set.registered().forEach(registered::putIfAbsent);
                unconfirmed.addAll(set.unconfirmed());
            }
        }
        return new HealthyNodes(home.service(), nodes, registered, unconfirmed, home.index(), home.receivedAt(), warning);
    }

    private void publish() {
        HealthyNodes union = current();
        if (union != null) {
            target.accept(union);
        }
    }
}
