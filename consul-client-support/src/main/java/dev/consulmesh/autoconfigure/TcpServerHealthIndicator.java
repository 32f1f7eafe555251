package dev.consulmesh.autoconfigure;

import dev.consulmesh.transport.server.TcpServer;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.health.contributor.ReactiveHealthContributor;
import org.springframework.boot.health.registry.ReactiveHealthContributorRegistry;

/**
 * UP while the TCP server listens (with its port, open connections, connections not read for now
 * because of backpressure, and requests in flight), DOWN once it stopped.
 */
final class TcpServerHealthIndicator extends AbstractHealthIndicator {

    static final String NAME = "tcpServer";

    private final TcpServer server;

    /**
     * Adds the indicator of a running server to actuator's health (the servlet or the reactive
     * registry, whichever the application has). A process without handlers runs no server and shows none.
     */
    static void register(TcpServer server, HealthContributorRegistry health, ReactiveHealthContributorRegistry reactive) {
        TcpServerHealthIndicator indicator = new TcpServerHealthIndicator(server);
        if (health != null && health.getContributor(NAME) == null) {
            health.registerContributor(NAME, indicator);
        }
        if (reactive != null && reactive.getContributor(NAME) == null) {
            reactive.registerContributor(NAME, ReactiveHealthContributor.adapt(indicator));
        }
    }

    TcpServerHealthIndicator(TcpServer server) {
        super("TCP server health check failed");
        this.server = server;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        if (server.isRunning()) {
            builder.up().withDetail("host", server.bindHost()).withDetail("port", server.port())
                    .withDetail("connections", server.openConnections())
                    .withDetail("pausedConnections", server.pausedConnections())
                    .withDetail("inFlightRequests", server.inFlightRequests());
        } else {
            builder.down().withDetail("reason", "the TCP server is not listening");
        }
    }
}
