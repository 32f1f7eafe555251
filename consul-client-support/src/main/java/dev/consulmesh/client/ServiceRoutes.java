package dev.consulmesh.client;

import dev.consulmesh.balancing.LoadBalancer;
import dev.consulmesh.discovery.DatacenterSets;
import dev.consulmesh.discovery.HealthyNodes;
import dev.consulmesh.discovery.HealthyNodesWatcher;
import dev.consulmesh.discovery.ServiceDiscovery;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.pool.ServicePool;
import dev.consulmesh.retry.AttemptTimeout;
import dev.consulmesh.retry.HedgeDelay;
import dev.consulmesh.retry.IdempotentPatterns;
import dev.consulmesh.retry.RetryBudget;
import dev.consulmesh.subset.Subsets;
import dev.consulmesh.traffic.TrafficRouter;
import dev.consulmesh.window.LatencyWindow;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The route of every service called so far, each made at its first call: its settings, its watch in
 * Consul (and in its failover datacenters), its pool kept in step with the healthy set through the
 * caller's subset, its balancer, retry budget, attempt timeout and hedge delay.
 */
final class ServiceRoutes implements AutoCloseable {

    private final ServiceDiscovery discovery;
    /** Between each service's sets from Consul and its pool: the subset this caller connects to. */
    private final Subsets subsets;
    private final NodeClients clients;
    private final MeshClientProperties properties;
    private final IdempotentPatterns idempotentPatterns;
    private final MeshMetrics metrics;
    private final ServiceCustomizations customizations;
    /** Where the pools probe ejected nodes; shut down with the routes. */
    private final ScheduledExecutorService probes;
    private final HedgeTimer hedgeTimer = new HedgeTimer();
    private final Map<String, ServiceRoute> routes = new ConcurrentHashMap<>();

    /** @param idempotentPatterns the patterns idempotent for every service, beside which each route keeps its own */
    ServiceRoutes(ServiceDiscovery discovery, NodeClients clients, MeshClientProperties properties,
                  IdempotentPatterns idempotentPatterns, MeshMetrics metrics, ServiceCustomizations customizations,
                  ScheduledExecutorService probes) {
        this.discovery = discovery;
        this.subsets = new Subsets(discovery, properties.getSubset());
        this.clients = clients;
        this.properties = properties;
        this.idempotentPatterns = idempotentPatterns;
        this.metrics = metrics;
        this.customizations = customizations;
        this.probes = probes;
    }

    /** The service's route, made (and its watch started) at its first call. */
    ServiceRoute of(String service) {
        ServiceRoute known = routes.get(service);
        return known != null ? known : routes.computeIfAbsent(service, this::newRoute);
    }

    /** Times the hedge delays of every service's hedged calls. */
    HedgeTimer hedgeTimer() {
        return hedgeTimer;
    }

    void forEach(BiConsumer<String, ServiceRoute> action) {
        routes.forEach(action);
    }

    /** First call to a service: watch it in Consul, and keep its pool in step with the healthy set. */
    private ServiceRoute newRoute(String service) {
        ServiceSettings settings = ServiceSettings.of(properties, service);
        NodeClients serviceClients = customizations.clients().getOrDefault(service, clients);
        ServicePool pool = new ServicePool(service, serviceClients::open,
                serviceClients.probe(properties.getEjection().getProbeTimeout()), properties.toEjectionSettings(),
                settings.shares(), probes, metrics);
        Consumer<HealthyNodes> toPool = subsets.between(service, settings.subsetSize(), settings.traffic().canary(),
                properties.getZoneMetaKey(), pool::update);
        HealthyNodesWatcher watcher = discovery.watch(service);
        DatacenterSets datacenters = null;
        if (settings.traffic().failoverDatacenters().isEmpty()) {
            watcher.onChange(toPool);
        } else {
            datacenters = new DatacenterSets(watcher, settings.traffic().failoverDatacenters().stream()
                    .map(datacenter -> discovery.watch(service, datacenter)).toList(), toPool);
        }
        HealthyNodes known = datacenters != null ? datacenters.current() : watcher.current();
        if (known != null) {
            toPool.accept(known);
        }
        Supplier<LoadBalancer> own = customizations.balancers().get(service);
        LatencyWindow latencies = new LatencyWindow();
        return new ServiceRoute(service, settings, watcher, datacenters, pool, toPool,
                own != null ? own.get() : settings.strategy().newBalancer(),
                new RetryBudget(settings.budgetRatio(), settings.minPerSecond()),
                new IdempotentPatterns(idempotentPatterns.routes(), settings.idempotentPatterns()),
                metrics.retries(service), metrics.retriesDenied(service),
                settings.traffic().isNone() ? null : new TrafficRouter(service, settings.traffic()),
                new AttemptTimeout(settings.attemptTimeouts(), latencies),
                settings.hedgeDelay() == null ? null : new HedgeDelay(settings.hedgeDelay(), settings.attemptTimeout(), latencies),
                metrics.hedges(service));
    }

    @Override
    public void close() {
        probes.shutdownNow();
        hedgeTimer.close();
        routes.values().forEach(route -> route.pool().close());
        routes.clear();
        subsets.close();
    }
}
