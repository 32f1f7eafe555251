package dev.consulmesh.autoconfigure;

import dev.consulmesh.transport.server.HandlerRegistry;
import dev.consulmesh.transport.server.TcpServer;
import org.springframework.context.SmartLifecycle;

import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * Starts the TCP server before the web server (and so before registration) and stops it after them,
 * so a node is never registered while it cannot answer. A process without handlers runs no server.
 * <p>
 * While the server runs, one thread that is not a daemon waits for its stop, as Spring Boot's web servers
 * keep one: the server's I/O threads are daemons, and a node without a web server would otherwise exit
 * as soon as it has started.
 */
final class TcpServerLifecycle implements SmartLifecycle {

    /** Below the web server's phase: start earlier, stop later. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final TcpServer server;
    private final HandlerRegistry handlers;
    private final Consumer<TcpServer> onStarted;
    private volatile CountDownLatch stopped;

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
        keepAliveUntilStopped();
    }

    private void keepAliveUntilStopped() {
        CountDownLatch latch = new CountDownLatch(1);
        stopped = latch;
        Thread keepAlive = new Thread(() -> {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tcp-server-keep-alive");
        keepAlive.setDaemon(false);
        keepAlive.start();
    }

    @Override
    public void stop() {
        server.stop();
        CountDownLatch latch = stopped;
        if (latch != null) {
            latch.countDown();
        }
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
