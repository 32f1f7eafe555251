package dev.consulmesh.transport.client;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import dev.consulmesh.transport.server.AnnotatedHandlers;
import dev.consulmesh.transport.server.EventPattern;
import dev.consulmesh.transport.server.HandlerRegistry;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.server.RpcException;
import dev.consulmesh.transport.server.TcpServer;
import dev.consulmesh.transport.server.TcpServerProperties;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A real {@link TcpServer} and real {@link TcpClient}s over sockets on 127.0.0.1. */
class TcpClientServerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectMapper mapper = new ObjectMapper();
    private final PacketCodec codec = new PacketCodec(mapper);
    private final TestHandlers handlers = new TestHandlers();
    private final EventLoopGroup group = new NioEventLoopGroup(2);
    private final List<TcpClient> clients = new ArrayList<>();
    private TcpServer server;

    @BeforeEach
    void startServer() {
        TcpServerProperties properties = new TcpServerProperties();
        properties.setHost("127.0.0.1");
        properties.setPort(0);
        properties.setShutdownTimeout(Duration.ofMillis(200));
        HandlerRegistry registry = new HandlerRegistry(new PatternRoute(mapper));
        AnnotatedHandlers.register(registry, handlers, mapper);
        server = new TcpServer(properties, registry, codec);
        server.start();
    }

    @AfterEach
    void stopEverything() {
        try {
            clients.forEach(TcpClient::close);
            server.stop();
        } finally {
            handlers.release.tryEmitEmpty();
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void answersHundredsOfConcurrentRequestsOnOneConnectionEachWithItsOwnAnswer() {
        TcpClient client = client(TcpClientOptions.defaults());
        int requests = 500;

        List<Map.Entry<Integer, JsonNode>> answers = Flux.range(0, requests)
                .flatMap(i -> client.send(NODES.stringNode("echo"), payload(i)).single()
                        .map(answer -> Map.entry(i, answer))
                        .subscribeOn(Schedulers.parallel()), requests)
                .collectList()
                .block(WAIT);

        assertThat(answers).hasSize(requests);
        assertThat(answers).allSatisfy(answer -> assertThat(answer.getValue()).isEqualTo(payload(answer.getKey())));
        assertThat(server.openConnections()).isEqualTo(1);
        assertThat(client.pending()).isZero();
    }

    @Test
    void answersALaterRequestWhileAnEarlierOneOnTheSameConnectionIsStillRunning() throws Exception {
        TcpClient client = client(TcpClientOptions.defaults());
        CompletableFuture<JsonNode> slow = client.send(NODES.stringNode("held"), NODES.objectNode()).single().toFuture();
        assertThat(handlers.heldStarted.await(10, TimeUnit.SECONDS)).isTrue();

        JsonNode fast = client.send(NODES.stringNode("echo"), NODES.stringNode("fast")).single().block(WAIT);

        assertThat(fast.stringValue()).isEqualTo("fast");
        assertThat(slow).isNotDone();
        handlers.release.tryEmitEmpty();
        assertThat(slow.get(10, TimeUnit.SECONDS).stringValue()).isEqualTo("released");
        assertThat(server.openConnections()).isEqualTo(1);
    }

    @Test
    void failsARequestThatIsNotAnsweredInTimeAndKeepsTheConnection() {
        TcpClient client = client(TcpClientOptions.defaults());

        Throwable thrown = catchThrowable(() -> client.send(NODES.stringNode("never"), NODES.objectNode(),
                Duration.ofMillis(300)).blockLast(WAIT));

        assertThat(thrown).isInstanceOf(RequestTimeoutException.class).hasMessageContaining("127.0.0.1:" + server.port());
        assertThat(((RequestTimeoutException) thrown).timeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(((RequestTimeoutException) thrown).mayHaveReachedHandler()).isTrue();
        assertThat(client.pending()).isZero();
        assertThat(client.send(NODES.stringNode("echo"), NODES.stringNode("still there")).single().block(WAIT).stringValue())
                .isEqualTo("still there");
        assertThat(server.openConnections()).isEqualTo(1);
    }

    @Test
    void failsEveryPendingRequestWhenTheServerClosesTheConnection() throws Exception {
        TcpClient client = client(TcpClientOptions.defaults());
        handlers.neverCalls = new CountDownLatch(5);
        List<CompletableFuture<List<JsonNode>>> pending = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pending.add(client.send(NODES.stringNode("never"), payload(i)).collectList().toFuture());
        }
        assertThat(handlers.neverCalls.await(10, TimeUnit.SECONDS)).as("all five reached the handler").isTrue();

        server.stop();

        for (CompletableFuture<List<JsonNode>> request : pending) {
            Throwable thrown = catchThrowable(() -> request.get(10, TimeUnit.SECONDS));
            assertThat(thrown).isInstanceOf(ExecutionException.class).cause().isInstanceOf(ConnectionClosedException.class);
            assertThat(((TransportException) thrown.getCause()).mayHaveReachedHandler()).isTrue();
        }
        assertThat(client.pending()).isZero();

        Throwable next = catchThrowable(() -> client.send(NODES.stringNode("echo"), NODES.objectNode()).blockLast(WAIT));
        assertThat(next).as("the next call tries a new connection, refused now")
                .isInstanceOf(NodeUnreachableException.class);
    }

    @Test
    void opensANewConnectionForTheNextCallAfterThePeerClosedTheLastOne() throws Exception {
        try (RawPeer peer = new RawPeer((connection, frame) -> connection == 1 ? null
                : ("{\"response\":\"second\",\"isDisposed\":true,\"id\":" + idField(frame) + "}").transform(
                        json -> (json.length() + "#" + json).getBytes(StandardCharsets.UTF_8)))) {
            TcpClient client = track(new TcpClient("127.0.0.1", peer.port(), TcpClientOptions.defaults(), group, codec));

            Throwable first = catchThrowable(() -> client.send(NODES.stringNode("p"), NODES.objectNode()).blockLast(WAIT));
            JsonNode second = client.send(NODES.stringNode("p"), NODES.objectNode()).single().block(WAIT);

            assertThat(first).isInstanceOf(ConnectionClosedException.class);
            assertThat(second.stringValue()).isEqualTo("second");
            assertThat(peer.connections()).isEqualTo(2);
        }
    }

    @Test
    void reportsAClosedPortAsUnreachableWithoutHavingReachedAHandler() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        TcpClient client = track(new TcpClient("127.0.0.1", closedPort, TcpClientOptions.defaults(), group, codec));

        Throwable thrown = catchThrowable(() -> client.send(NODES.stringNode("echo"), NODES.objectNode()).blockLast(WAIT));

        assertThat(thrown).isInstanceOf(NodeUnreachableException.class)
                .hasMessageContaining("127.0.0.1:" + closedPort)
                .hasMessageContaining("connection refused");
        assertThat(((NodeUnreachableException) thrown).mayHaveReachedHandler()).isFalse();
        assertThat(((NodeUnreachableException) thrown).node()).isEqualTo("127.0.0.1:" + closedPort);
        assertThat(catchThrowable(() -> client.emit(NODES.stringNode("taskDone"), NODES.objectNode()).block(WAIT)))
                .isInstanceOf(NodeUnreachableException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc#{}", "5#{x:1}", "99999999999#{}", "8#{} {\"a\"}", "0#"})
    void closesOnlyTheConnectionThatSentAMalformedFrame(String malformed) throws Exception {
        TcpClient client = client(TcpClientOptions.defaults());
        assertThat(client.send(NODES.stringNode("echo"), NODES.stringNode("before")).single().block(WAIT).stringValue())
                .isEqualTo("before");

        try (Socket raw = new Socket("127.0.0.1", server.port())) {
            raw.setSoTimeout(10_000);
            raw.getOutputStream().write(malformed.getBytes(StandardCharsets.UTF_8));
            raw.getOutputStream().flush();
            InputStream in = raw.getInputStream();

            assertThat(in.read()).as("the server closes the connection without answering").isEqualTo(-1);
        }

        assertThat(client.send(NODES.stringNode("echo"), NODES.stringNode("after")).single().block(WAIT).stringValue())
                .isEqualTo("after");
        assertThat(client.isConnected()).isTrue();
    }

    @Test
    void deliversAnEventToItsHandler() throws Exception {
        TcpClient client = client(TcpClientOptions.defaults());
        ObjectNode data = NODES.objectNode().put("trigger", "schedule").put("at", "2024-05-01T10:00:00.000Z");

        client.emit(NODES.stringNode("taskDone"), data).block(WAIT);

        assertThat(handlers.eventArrived.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(handlers.events).containsExactly(data);
        assertThat(client.send(NODES.stringNode("echo"), NODES.stringNode("same connection")).single().block(WAIT)
                .stringValue()).isEqualTo("same connection");
        assertThat(server.openConnections()).isEqualTo(1);
    }

    @Test
    void deliversRemoteErrorsAsValuesTheCallerCanActOn() {
        TcpClient client = client(TcpClientOptions.defaults());

        Throwable rpc = catchThrowable(() -> client.send(NODES.stringNode("refuse"), NODES.objectNode()).blockLast(WAIT));
        Throwable missing = catchThrowable(() -> client.send(NODES.stringNode("noSuchPattern"), NODES.objectNode())
                .blockLast(WAIT));

        assertThat(rpc).isInstanceOf(RemoteErrorException.class).hasMessageContaining("not today");
        assertThat(((RemoteErrorException) rpc).err().toString()).isEqualTo("{\"status\":\"error\",\"message\":\"not today\"}");
        assertThat(((RemoteErrorException) rpc).isNoHandler()).isFalse();
        assertThat(missing).isInstanceOf(RemoteErrorException.class);
        assertThat(((RemoteErrorException) missing).isNoHandler()).isTrue();
        assertThat(((RemoteErrorException) missing).remoteMessage())
                .isEqualTo("There is no matching message handler defined in the remote service.");
    }

    @Test
    void streamsEveryValueOfAMultiValueAnswer() {
        TcpClient client = client(TcpClientOptions.defaults());

        List<JsonNode> values = client.send(NODES.stringNode("count"), NODES.numberNode(4)).collectList().block(WAIT);

        assertThat(values).extracting(JsonNode::intValue).containsExactly(1, 2, 3, 4);
    }

    private TcpClient client(TcpClientOptions options) {
        return track(new TcpClient("127.0.0.1", server.port(), options, group, codec));
    }

    private TcpClient track(TcpClient client) {
        clients.add(client);
        return client;
    }

    private static JsonNode payload(int i) {
        return NODES.objectNode().put("n", i).put("text", "request " + i + " é😀").put("pad", "x".repeat(i % 37));
    }

    private static String idField(String frame) {
        try {
            return new ObjectMapper().readTree(frame.substring(frame.indexOf('#') + 1)).get("id").toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static final class TestHandlers {

        final Sinks.Empty<Void> release = Sinks.empty();
        final CountDownLatch heldStarted = new CountDownLatch(1);
        final CountDownLatch eventArrived = new CountDownLatch(1);
        final List<JsonNode> events = new CopyOnWriteArrayList<>();
        volatile CountDownLatch neverCalls = new CountDownLatch(0);

        @MessagePattern("echo")
        Mono<JsonNode> echo(JsonNode data) {
            // A random delay, answered from another thread, so answers come back in another order.
            return Mono.delay(Duration.ofMillis(ThreadLocalRandom.current().nextInt(10))).thenReturn(data);
        }

        @MessagePattern("held")
        Mono<String> held() {
            heldStarted.countDown();
            return release.asMono().thenReturn("released");
        }

        @MessagePattern("never")
        Mono<Object> never() {
            neverCalls.countDown();
            return Mono.never();
        }

        @MessagePattern("count")
        Flux<Integer> count(int upTo) {
            return Flux.range(1, upTo);
        }

        @MessagePattern("refuse")
        Object refuse() {
            throw new RpcException("not today");
        }

        @EventPattern("taskDone")
        void taskDone(JsonNode data) {
            events.add(data);
            eventArrived.countDown();
        }
    }
}
