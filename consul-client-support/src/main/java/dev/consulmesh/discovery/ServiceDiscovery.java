package dev.consulmesh.discovery;

import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.metrics.MeshMetrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The watchers of every service this process calls, started on the first call to each. */
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

    public HealthyNodesWatcher watch(String service) {
        return watchers.computeIfAbsent(service, name -> new HealthyNodesWatcher(name, null, agent, properties, metrics));
    }

    /** The watcher of the service's instances in another datacenter (Consul's {@code dc}), started on first use. */
    public HealthyNodesWatcher watch(String service, String datacenter) {
        return watchers.computeIfAbsent(service + "@" + datacenter,
                key -> new HealthyNodesWatcher(service, datacenter, agent, properties, metrics));
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
