package dev.consulmesh.autoconfigure;

import dev.consulmesh.transport.server.HandlerRegistry;
import dev.consulmesh.transport.server.TcpServer;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/** UP while the TCP server listens (with its port and connections), DOWN when it should but does not. */
final class TcpServerHealthIndicator extends AbstractHealthIndicator {

    private final TcpServer server;
    private final HandlerRegistry handlers;

    TcpServerHealthIndicator(TcpServer server, HandlerRegistry handlers) {
        super("TCP server health check failed");
        this.server = server;
        this.handlers = handlers;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        if (server.isRunning()) {
            builder.up().withDetail("host", server.bindHost()).withDetail("port", server.port())
                    .withDetail("connections", server.openConnections())
                    .withDetail("inFlightRequests", server.inFlightRequests())
                    .withDetail("handlers", handlers.size());
        } else if (handlers.isEmpty()) {
            builder.unknown().withDetail("reason", "no TCP handlers, so no TCP server");
        } else {
            builder.down().withDetail("reason", "the TCP server is not listening");
        }
    }
}
