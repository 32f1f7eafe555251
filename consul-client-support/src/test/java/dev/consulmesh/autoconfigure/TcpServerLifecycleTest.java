package dev.consulmesh.autoconfigure;

import dev.consulmesh.transport.server.AnnotatedHandlers;
import dev.consulmesh.transport.server.HandlerRegistry;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.server.TcpServer;
import dev.consulmesh.transport.server.TcpServerProperties;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node without a web server stays up: the TCP server's I/O threads are daemons, so while the server
 * runs the lifecycle holds a thread that is not one, and lets it end when the server stops.
 */
class TcpServerLifecycleTest {

    static class Handlers {
        @MessagePattern("ping")
        String ping() {
            return "pong";
        }
    }

    @Test
    void aThreadThatIsNotADaemonRunsWhileTheServerRuns() {
        ObjectMapper mapper = new ObjectMapper();
        HandlerRegistry handlers = new HandlerRegistry(new PatternRoute(mapper));
        AnnotatedHandlers.register(handlers, new Handlers(), mapper);
        TcpServerProperties properties = new TcpServerProperties();
        properties.setHost("127.0.0.1");
        properties.setPort(0);
        properties.setShutdownTimeout(Duration.ofSeconds(1));
        TcpServerLifecycle lifecycle = new TcpServerLifecycle(new TcpServer(properties, handlers, new PacketCodec(mapper)),
                handlers, server -> { });

        lifecycle.start();
        try {
            assertThat(keepAlive()).hasValueSatisfying(thread -> assertThat(thread.isDaemon()).isFalse());
        } finally {
            lifecycle.stop();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> keepAlive().isEmpty());
    }

    @Test
    void aProcessWithoutHandlersHoldsNoThread() {
        HandlerRegistry none = new HandlerRegistry(new PatternRoute(new ObjectMapper()));
        TcpServerLifecycle lifecycle = new TcpServerLifecycle(new TcpServer(new TcpServerProperties(), none,
                new PacketCodec(new ObjectMapper())), none, server -> { });

        lifecycle.start();

        assertThat(keepAlive()).isEmpty();
        lifecycle.stop();
    }

    private static Optional<Thread> keepAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("tcp-server-keep-alive") && thread.isAlive()).findFirst();
    }
}
