package dev.consulmesh.transport.server;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.testsupport.RawFrames;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import dev.consulmesh.transport.wire.TransportLimit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each limit of a real {@link TcpServer}, hit by raw sockets on 127.0.0.1: the peer that hits it is closed
 * or not read for a while, counted and logged; every other connection goes on being served.
 */
class TcpServerLimitsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Handlers handlers = new Handlers();
    private final MeshMetrics metrics = MeshMetrics.inMemory();
    private final List<Socket> sockets = new ArrayList<>();
    private TcpServer server;

    @AfterEach
    void stopEverything() throws IOException {
        handlers.release.tryEmitEmpty();
        for (Socket socket : sockets) {
            socket.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void closesAConnectionOverTheMaximumAtOnceAndServesTheOthers() throws Exception {
        start(properties -> properties.setMaxConnections(2));
        Peer first = connect();
        Peer second = connect();
        assertThat(first.echo("one")).isEqualTo("one");
        assertThat(second.echo("two")).isEqualTo("two");

        Peer third = connect();

        assertThat(third.closedByServer()).isTrue();
        assertThat(server.limitViolations().count(TransportLimit.MAX_CONNECTIONS)).isEqualTo(1);
        assertThat(server.openConnections()).isEqualTo(2);
        assertThat(metrics.registry().get("mesh.tcp.server.connections").gauge().value()).isEqualTo(2);
        assertThat(metrics.registry().get("mesh.tcp.limits").tag("side", "server").tag("limit", "max-connections")
                .counter().count()).isEqualTo(1);
        assertThat(first.echo("still served")).isEqualTo("still served");

        second.socket.close();
        await().atMost(WAIT).until(() -> server.openConnections() == 1);
        assertThat(connect().echo("a free slot again")).isEqualTo("a free slot again");
    }

    @Test
    void closesAConnectionOnWhichNothingHappensButNotOneWhoseRequestIsStillRunning() throws Exception {
        start(properties -> properties.setIdleTimeout(Duration.ofMillis(300)));
        Peer busy = connect();
        busy.send("{\"pattern\":\"held\",\"data\":null,\"id\":\"h\"}");
        await().atMost(WAIT).until(() -> handlers.heldStarted.get() == 1);

        // Two idle connections opened after the busy one's last read, closed one after the other: the busy
        // connection's own idle timeout has passed by then, at least once.
        assertThat(connect().closedByServer()).isTrue();
        assertThat(connect().closedByServer()).isTrue();

        assertThat(server.limitViolations().count(TransportLimit.IDLE_TIMEOUT)).isEqualTo(2);
        handlers.release.tryEmitEmpty();
        assertThat(busy.readAnswers(1)).containsEntry("h", "released");
    }

    @Test
    void closesAConnectionWhoseFrameStaysIncomplete() throws Exception {
        start(properties -> properties.setFrameTimeout(Duration.ofMillis(300)));
        Peer other = connect();
        Peer trickling = connect();

        trickling.sendRaw("100#{\"pattern\":");

        assertThat(trickling.closedByServer()).isTrue();
        assertThat(server.limitViolations().count(TransportLimit.FRAME_TIMEOUT)).isEqualTo(1);
        assertThat(other.echo("unaffected")).isEqualTo("unaffected");
    }

    @Test
    void closesAConnectionThatAnnouncesAFrameOverTheMaximum() throws Exception {
        start(properties -> properties.setMaxFrameLength(1024));
        Peer other = connect();
        Peer huge = connect();

        huge.sendRaw("1025#");

        assertThat(huge.closedByServer()).isTrue();
        assertThat(server.limitViolations().count(TransportLimit.MAX_FRAME_LENGTH)).isEqualTo(1);
        assertThat(other.echo("unaffected")).isEqualTo("unaffected");
    }

    @Test
    void stopsReadingAConnectionAtItsMaximumOfPendingRequestsAndReadsItAgainOnceTheyAreAnswered() throws Exception {
        start(properties -> properties.setMaxPendingRequestsPerConnection(4));
        Peer other = connect();
        Peer flooding = connect();
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            requests.append(frame("{\"pattern\":\"held\",\"data\":null,\"id\":\"" + i + "\"}"));
        }
        requests.append(frame("{\"pattern\":\"echo\",\"data\":\"last\",\"id\":\"10\"}"));

        flooding.sendRaw(requests.toString());

        await().atMost(WAIT).until(() -> server.pausedConnections() == 1 && handlers.heldStarted.get() == 4);
        assertThat(other.echo("served meanwhile")).isEqualTo("served meanwhile");
        assertThat(handlers.heldStarted.get()).as("requests handed to the handler: reading stopped at 4 of 10").isEqualTo(4);
        assertThat(server.limitViolations().count(TransportLimit.MAX_PENDING_REQUESTS)).isEqualTo(1);

        handlers.release.tryEmitEmpty();

        assertThat(flooding.readAnswers(11)).hasSize(11).containsEntry("10", "last");
        assertThat(handlers.heldStarted.get()).isEqualTo(10);
        await().atMost(WAIT).until(() -> server.pausedConnections() == 0);
    }

    @Test
    void stopsReadingAPeerThatDoesNotReadItsAnswersAndReadsItAgainOnceItDoes() throws Exception {
        start(properties -> properties.setMaxQueuedAnswerBytes(1024));
        Peer other = connect();
        Peer notReading = connect(8 * 1024);
        int requests = 400; // 400 answers of 64 KiB: far more than the socket buffers on both sides hold
        StringBuilder frames = new StringBuilder();
        for (int i = 0; i < requests; i++) {
            frames.append(frame("{\"pattern\":\"big\",\"data\":null,\"id\":\"" + i + "\"}"));
        }

        notReading.sendRaw(frames.toString());

        await().atMost(WAIT).until(() -> server.pausedConnections() == 1);
        // Once or more: kernel buffers between the two sockets may take a little more after a first pause.
        assertThat(server.limitViolations().count(TransportLimit.UNREAD_ANSWERS)).isPositive();
        assertThat(handlers.bigCalls.get()).as("requests handled before reading stopped").isLessThan(requests);
        assertThat(other.echo("served meanwhile")).isEqualTo("served meanwhile");

        for (int i = 0; i < requests; i++) {
            assertThat(notReading.readFrame()).as("answer %d", i).hasSizeGreaterThan(Handlers.BIG_ANSWER);
        }
        assertThat(handlers.bigCalls.get()).isEqualTo(requests);
        await().atMost(WAIT).until(() -> server.pausedConnections() == 0);
    }

    private void start(Consumer<TcpServerProperties> limits) {
        TcpServerProperties properties = new TcpServerProperties();
        properties.setHost("127.0.0.1");
        properties.setPort(0);
        properties.setShutdownTimeout(Duration.ofMillis(200));
        limits.accept(properties);
        HandlerRegistry registry = new HandlerRegistry(new PatternRoute(JSON));
        AnnotatedHandlers.register(registry, handlers, JSON);
        server = new TcpServer(properties, registry, new PacketCodec(JSON), metrics);
        server.start();
    }

    private Peer connect() throws IOException {
        return connect(0);
    }

    /** @param receiveBuffer the socket's receive buffer in bytes, 0 for the system's default */
    private Peer connect(int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
        socket.setSoTimeout((int) WAIT.toMillis());
        return new Peer(socket);
    }

    private static String frame(String json) {
        return json.length() + "#" + json;
    }

    /** One raw connection to the server: writes frames, reads frames, tells when the server closed it. */
    private static final class Peer {
        final Socket socket;
        final BufferedReader in;
        private int ids;

        Peer(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        void send(String json) throws IOException {
            sendRaw(frame(json));
        }

        void sendRaw(String bytes) throws IOException {
            socket.getOutputStream().write(bytes.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
        }

        String echo(String text) throws IOException {
            String id = "e" + ids++;
            send("{\"pattern\":\"echo\",\"data\":\"" + text + "\",\"id\":\"" + id + "\"}");
            JsonNode answer = JSON.readTree(readFrame());
            assertThat(answer.get("id").asString()).isEqualTo(id);
            return answer.get("response").asString();
        }

        String readFrame() throws IOException {
            return RawFrames.read(in);
        }

        /**
         * Reads until {@code count} requests are answered, each by its last packet ({@code isDisposed}); a
         * value and the end of its stream may come as one packet or as two, depending on timing.
         */
        Map<String, String> readAnswers(int count) throws IOException {
            Map<String, String> values = new HashMap<>();
            Set<String> done = new HashSet<>();
            while (done.size() < count) {
                JsonNode packet = JSON.readTree(readFrame());
                String id = packet.get("id").asString();
                if (packet.has("response")) {
                    values.put(id, packet.get("response").asString());
                }
                if (packet.path("isDisposed").asBoolean()) {
                    done.add(id);
                }
            }
            return values;
        }

        /** Waits until the server closes the connection: true on end of stream, false if it answers instead. */
        boolean closedByServer() throws IOException {
            try {
                return in.read() < 0;
            } catch (java.net.SocketException reset) {
                return true;
            }
        }
    }

    static final class Handlers {
        static final int BIG_ANSWER = 64 * 1024;

        final Sinks.Empty<Void> release = Sinks.empty();
        final AtomicInteger heldStarted = new AtomicInteger();
        final AtomicInteger bigCalls = new AtomicInteger();

        @MessagePattern("echo")
        JsonNode echo(JsonNode data) {
            return data;
        }

        @MessagePattern("held")
        Mono<String> held() {
            heldStarted.incrementAndGet();
            return release.asMono().thenReturn("released");
        }

        @MessagePattern("big")
        String big() {
            bigCalls.incrementAndGet();
            return "x".repeat(BIG_ANSWER);
        }
    }
}
