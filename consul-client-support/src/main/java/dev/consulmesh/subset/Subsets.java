package dev.consulmesh.subset;

import dev.consulmesh.discovery.HealthyNodes;
import dev.consulmesh.discovery.ServiceDiscovery;
import dev.consulmesh.traffic.CanaryRule;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * The subsetting of every service one caller calls: puts a {@link ServiceSubset} between a service's sets
 * from Consul and its pool when the service's subset size is above 0. Starts no thread and makes no call
 * until a service grows beyond its subset size.
 */
public final class Subsets implements AutoCloseable {

    private final ServiceDiscovery discovery;
    private final String callerId;
    private final Duration ttl;
    private final Map<String, CallerRoster> rosters = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService scheduler;

    public Subsets(ServiceDiscovery discovery, CallerSubsetProperties properties) {
        this.discovery = discovery;
        this.callerId = properties.getCallerId() == null || properties.getCallerId().isBlank()
                ? defaultCallerId() : properties.getCallerId().strip();
        this.ttl = properties.getCallerTtl();
        if (ttl == null || ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("mesh.client.subset.caller-ttl must be at least 1s (Consul's TTLs are"
                    + " passed every third of it), got " + ttl);
        }
    }

    /**
     * What takes the service's sets from Consul: {@code pool} itself when {@code size} is 0, else the
     * subset in between.
     *
     * @param canary  the service's canary rule, whose instances every subset keeps; null: none
     * @param zoneKey the metadata key naming a node's zone; null: none
     */
    public Consumer<HealthyNodes> between(String service, int size, CanaryRule canary, String zoneKey,
                                          Consumer<HealthyNodes> pool) {
        if (size <= 0) {
            return pool;
        }
        CallerRoster roster = rosters.computeIfAbsent(service,
                name -> new CallerRoster(name, callerId, discovery, ttl, scheduler()));
        return new ServiceSubset(service, size, canary, zoneKey, roster, pool);
    }

    public String callerId() {
        return callerId;
    }

    private ScheduledExecutorService scheduler() {
        ScheduledExecutorService known = scheduler;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (scheduler == null) {
                scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
                    Thread thread = new Thread(runnable, "mesh-subset-callers");
                    thread.setDaemon(true);
                    return thread;
                });
            }
            return scheduler;
        }
    }

    private static String defaultCallerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return (host + "-" + ManagementFactory.getRuntimeMXBean().getPid()).replaceAll("[^A-Za-z0-9_.-]", "-");
    }

    @Override
    public void close() {
        rosters.values().forEach(CallerRoster::close);
        rosters.clear();
        ScheduledExecutorService known = scheduler;
        if (known != null) {
            known.shutdownNow();
        }
    }
}
