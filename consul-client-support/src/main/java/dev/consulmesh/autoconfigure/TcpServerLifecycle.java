package dev.consulmesh.autoconfigure;

import dev.consulmesh.transport.server.HandlerRegistry;
import dev.consulmesh.transport.server.TcpServer;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the TCP server before the web server (and so before registration) and stops it after them,
 * so a node is never registered while it cannot answer. A process without handlers runs no server.
 */
final class TcpServerLifecycle implements SmartLifecycle {

    /** Below the web server's phase: start earlier, stop later. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final TcpServer server;
    private final HandlerRegistry handlers;

    TcpServerLifecycle(TcpServer server, HandlerRegistry handlers) {
        this.server = server;
        this.handlers = handlers;
    }

    @Override
    public void start() {
        if (!handlers.isEmpty()) {
            server.start();
        }
    }

    @Override
    public void stop() {
        server.stop();
    }

    @Override
    public boolean isRunning() {
        return server.isRunning();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
