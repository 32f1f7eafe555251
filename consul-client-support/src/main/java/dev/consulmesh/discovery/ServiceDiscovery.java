package dev.consulmesh.discovery;

import com.ecwid.consul.v1.ConsulClient;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The watchers of every service this process calls, started on the first call to each. */
public final class ServiceDiscovery implements AutoCloseable {

    private final ConsulClient consul;
    private final String aclToken;
    private final DiscoveryProperties properties;
    private final Map<String, HealthyNodesWatcher> watchers = new ConcurrentHashMap<>();

    public ServiceDiscovery(ConsulClient consul, String aclToken, DiscoveryProperties properties) {
        this.consul = consul;
        this.aclToken = aclToken;
        this.properties = properties;
    }

    public HealthyNodesWatcher watch(String service) {
        return watchers.computeIfAbsent(service, name -> new HealthyNodesWatcher(name, consul, aclToken, properties));
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
