package dev.consulmesh.autoconfigure;

import dev.consulmesh.transport.server.HandlerRegistry;
import dev.consulmesh.transport.server.TcpServer;
import org.springframework.context.SmartLifecycle;

import java.util.function.Consumer;

/**
 * Starts the TCP server before the web server (and so before registration) and stops it after them,
 * so a node is never registered while it cannot answer. A process without handlers runs no server.
 */
final class TcpServerLifecycle implements SmartLifecycle {

    /** Below the web server's phase: start earlier, stop later. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final TcpServer server;
    private final HandlerRegistry handlers;
    private final Consumer<TcpServer> onStarted;

    /** @param onStarted called once the server listens (adds its health indicator) */
    TcpServerLifecycle(TcpServer server, HandlerRegistry handlers, Consumer<TcpServer> onStarted) {
        this.server = server;
        this.handlers = handlers;
        this.onStarted = onStarted;
    }

    @Override
    public void start() {
        if (handlers.isEmpty()) {
            return;
        }
        server.start();
        onStarted.accept(server);
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
