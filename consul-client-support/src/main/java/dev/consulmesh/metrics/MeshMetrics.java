package dev.consulmesh.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.function.ToDoubleFunction;

/**
 * The mesh's Micrometer meters. Names (tags):
 * <ul>
 *   <li>{@code mesh.client.requests} (service, node, outcome = success | failure): attempts per node</li>
 *   <li>{@code mesh.client.retries} (service): attempts made again on another node</li>
 *   <li>{@code mesh.client.retries.denied} (service): retries the retry budget refused</li>
 *   <li>{@code mesh.client.ejections} (service, node): nodes taken out of rotation</li>
 *   <li>{@code mesh.registration.reregistrations} (service): registrations made again after Consul lost them</li>
 *   <li>{@code mesh.tcp.limits} (side = server | client, limit): times a connection hit a transport limit
 *       (see {@code TransportLimit})</li>
 *   <li>{@code mesh.tcp.server.connections} (port): connections open to a TCP server</li>
 *   <li>{@code mesh.tcp.server.paused-connections} (port): connections the server does not read for now</li>
 *   <li>{@code mesh.tcp.server.deadline.expired} (pattern): requests answered with a timeout error, not
 *       handled, because the caller's deadline had passed</li>
 *   <li>{@code mesh.tcp.server.trace-context.rejected} (reason = malformed | oversized): packets whose trace
 *       context was dropped; their handlers started new traces</li>
 * </ul>
 * The node tag of {@code mesh.client.requests} and {@code mesh.client.ejections} is bounded by the
 * nodes in Consul: a node's meters are removed when it leaves the pool ({@link #removeNode}). Timers
 * of calls, attempts and handlers are Micrometer observations (see {@code MeshObservations}).
 */
public final class MeshMetrics {

    private final MeterRegistry registry;

    public MeshMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Meters kept in memory only, for a process without Micrometer's registry (and for tests). */
    public static MeshMetrics inMemory() {
        return new MeshMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    public Counter requests(String service, String node, boolean success) {
        return Counter.builder("mesh.client.requests").description("Attempts of calls, per node and outcome")
                .tags("service", service, "node", node, "outcome", success ? "success" : "failure")
                .register(registry);
    }

    public Counter retries(String service) {
        return Counter.builder("mesh.client.retries").description("Call attempts made again on another node")
                .tag("service", service).register(registry);
    }

    public Counter retriesDenied(String service) {
        return Counter.builder("mesh.client.retries.denied").description("Retries the retry budget refused")
                .tag("service", service).register(registry);
    }

    public Counter ejections(String service, String node) {
        return Counter.builder("mesh.client.ejections").description("Nodes taken out of rotation after failures")
                .tags("service", service, "node", node).register(registry);
    }

    /** Removes a node's meters once it left its service's pool, so nodes that come and go do not pile up. */
    public void removeNode(String service, String node) {
        registry.find("mesh.client.requests").tags("service", service, "node", node).meters().forEach(registry::remove);
        registry.find("mesh.client.ejections").tags("service", service, "node", node).meters().forEach(registry::remove);
    }

    public Counter deadlineExpired(String pattern) {
        return Counter.builder("mesh.tcp.server.deadline.expired")
                .description("Requests not handled because the caller's deadline had passed when the handler would start")
                .tag("pattern", pattern).register(registry);
    }

    public Counter traceContextRejected(String reason) {
        return Counter.builder("mesh.tcp.server.trace-context.rejected")
                .description("Packets whose trace context was malformed or oversized; their handlers started new traces")
                .tag("reason", reason).register(registry);
    }

    public Counter registryRejected(String reason) {
        return Counter.builder("mesh.discovery.registry.rejected")
                .description("Instances skipped, or parts of what they registered not used as given, because Consul listed unusable data")
                .tag("reason", reason).register(registry);
    }

    /** Spans the exporter could not deliver to the tracing backend. */
    public Counter droppedSpans() {
        return Counter.builder("mesh.tracing.spans.dropped")
                .description("Spans the exporter could not deliver to the tracing backend (calls went on)")
                .register(registry);
    }

    public Counter hedges(String service) {
        return Counter.builder("mesh.client.hedges").description("Second attempts started while the first still ran (hedged calls)")
                .tag("service", service).register(registry);
    }

    public Counter reregistrations(String service) {
        return Counter.builder("mesh.registration.reregistrations")
                .description("Registrations made again after the Consul agent lost this instance's registration")
                .tag("service", service).register(registry);
    }

    public Counter transportLimit(String side, String limit) {
        return Counter.builder("mesh.tcp.limits").description("Times a connection hit a limit of the TCP transport")
                .tags("side", side, "limit", limit).register(registry);
    }

    /** Gauges of a running TCP server, read from the server itself (held weakly, as Micrometer does). */
    public <T> void tcpServer(int port, T server, ToDoubleFunction<T> openConnections, ToDoubleFunction<T> pausedConnections) {
        String tag = Integer.toString(port);
        Gauge.builder("mesh.tcp.server.connections", server, openConnections)
                .description("Connections open to the TCP server").tag("port", tag).register(registry);
        Gauge.builder("mesh.tcp.server.paused-connections", server, pausedConnections)
                .description("Connections the TCP server does not read for now (backpressure)").tag("port", tag)
                .register(registry);
    }

    /** How many blocking queries the process keeps open on its Consul agent (held weakly, as Micrometer does). */
    public <T> void blockingQueries(T discovery, ToDoubleFunction<T> open) {
        Gauge.builder("mesh.discovery.blocking-queries", discovery, open)
                .description("Blocking queries open on the Consul agent, one per watched service and datacenter")
                .register(registry);
    }
}
