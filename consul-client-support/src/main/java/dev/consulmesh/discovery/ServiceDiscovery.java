package dev.consulmesh.discovery;

import dev.consulmesh.consul.ConsulAgent;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The watchers of every service this process calls, started on the first call to each. */
public final class ServiceDiscovery implements AutoCloseable {

    private final ConsulAgent agent;
    private final DiscoveryProperties properties;
    private final Map<String, HealthyNodesWatcher> watchers = new ConcurrentHashMap<>();

    public ServiceDiscovery(ConsulAgent agent, DiscoveryProperties properties) {
        this.agent = agent;
        this.properties = properties;
    }

    public HealthyNodesWatcher watch(String service) {
        return watchers.computeIfAbsent(service, name -> new HealthyNodesWatcher(name, agent, properties));
    }

    /** The watcher of the service's instances in another datacenter (Consul's {@code dc}), started on first use. */
    public HealthyNodesWatcher watch(String service, String datacenter) {
        return watchers.computeIfAbsent(service + "@" + datacenter,
                key -> new HealthyNodesWatcher(service, datacenter, agent, properties));
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
