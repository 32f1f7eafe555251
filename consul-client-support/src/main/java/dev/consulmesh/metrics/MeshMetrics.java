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
 * </ul>
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

    public Counter hedges(String service) {
        return Counter.builder("mesh.client.hedges").description("Second attempts started while the first still ran (hedged calls)")
                .tag("service", service).register(registry);
    }

    public void ejection(String service, String node) {
        Counter.builder("mesh.client.ejections").description("Nodes taken out of rotation after failures")
                .tags("service", service, "node", node).register(registry).increment();
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
}
