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
