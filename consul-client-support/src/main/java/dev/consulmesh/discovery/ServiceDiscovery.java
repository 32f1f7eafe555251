package dev.consulmesh.discovery;

import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.metrics.MeshMetrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The watchers of every service this process calls, started on the first call to each: one blocking
 * query each, at most {@code mesh.discovery.max-blocking-queries} of them.
 */
public final class ServiceDiscovery implements AutoCloseable {

    private final ConsulAgent agent;
    private final DiscoveryProperties properties;
    private final MeshMetrics metrics;
    private final Map<String, HealthyNodesWatcher> watchers = new ConcurrentHashMap<>();

    public ServiceDiscovery(ConsulAgent agent, DiscoveryProperties properties) {
        this(agent, properties, MeshMetrics.inMemory());
    }

    /** @param metrics where what Consul lists that cannot be used as given is counted ({@link RegistryDataCheck}) */
    public ServiceDiscovery(ConsulAgent agent, DiscoveryProperties properties, MeshMetrics metrics) {
        this.agent = agent;
        this.properties = properties;
        this.metrics = metrics;
    }

    /**
     * @throws IllegalStateException when one more blocking query would exceed mesh.discovery.max-blocking-queries
     */
    public HealthyNodesWatcher watch(String service) {
        return watchers.computeIfAbsent(service, name -> new HealthyNodesWatcher(name, null, agent, withinCap(name), metrics));
    }

    /**
     * The watcher of a service whose instances are members to count and order by id, never nodes to call
     * (a service's callers, registered without a port): only their ids must be usable.
     *
     * @throws IllegalStateException when one more blocking query would exceed mesh.discovery.max-blocking-queries
     */
    public HealthyNodesWatcher watchMembers(String service) {
        return watchers.computeIfAbsent(service + "#members", key -> new HealthyNodesWatcher(service, null, agent,
                withinCap(key), RegistryDataCheck.Purpose.MEMBERSHIP, metrics));
    }

    /**
     * The watcher of the service's instances in another datacenter (Consul's {@code dc}), started on first use.
     *
     * @throws IllegalStateException when one more blocking query would exceed mesh.discovery.max-blocking-queries
     */
    public HealthyNodesWatcher watch(String service, String datacenter) {
        return watchers.computeIfAbsent(service + "@" + datacenter,
                key -> new HealthyNodesWatcher(service, datacenter, agent, withinCap(key), metrics));
    }

    /** How many blocking queries this process keeps open on its agent now. */
    public int blockingQueries() {
        return watchers.size();
    }

    private DiscoveryProperties withinCap(String wanted) {
        if (watchers.size() >= properties.getMaxBlockingQueries()) {
            throw new IllegalStateException("cannot watch " + wanted + " in Consul: this process already keeps "
                    + watchers.size() + " blocking queries open on its agent (" + String.join(", ", watchers.keySet())
                    + "); raise mesh.discovery.max-blocking-queries if it really calls that many services");
        }
        return properties;
    }

    public ConsulAgent agent() {
        return agent;
    }

    public Map<String, HealthyNodesWatcher> watchers() {
        return Map.copyOf(watchers);
    }

    public DiscoveryProperties properties() {
        return properties;
    }

    @Override
    public void close() {
        watchers.values().forEach(HealthyNodesWatcher::close);
        watchers.clear();
    }
}
