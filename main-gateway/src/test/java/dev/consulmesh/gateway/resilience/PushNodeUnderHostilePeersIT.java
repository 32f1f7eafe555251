package dev.consulmesh.gateway.resilience;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import dev.consulmesh.testsupport.FreePorts;
import dev.consulmesh.testsupport.JavaProcess;
import dev.consulmesh.testsupport.ProjectPaths;
import dev.consulmesh.transport.client.TcpClient;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.wire.PacketCodec;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A push-service node, run from its built jar with Netty's leak detector at paranoid level (every buffer
 * tracked), under hostile peers on 127.0.0.1: thousands of connections sending well-framed packets with
 * wrong types in every field, garbage, huge, negative and non-numeric lengths, invalid JSON, mutated
 * frames, frames that never finish, a peer that never reads its answers, and more idle connections than
 * the node allows. Afterwards the node still answers a normal request, its open connections are back to
 * where they were, its log holds no {@code LEAK:} report, and its heap after a full GC is back near
 * where it started.
 */
class PushNodeUnderHostilePeersIT {

    private static final int MAX_CONNECTIONS = 48;
    private static final int HOSTILE_CONNECTIONS = 2500;
    private static final int LEFT_OPEN = 25;
    private static final long HEAP_MARGIN_BYTES = 24L * 1024 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final long seed = Long.getLong("hostile.seed", System.nanoTime());
    private final AtomicLong framesSent = new AtomicLong();
    private final AtomicLong closedByNode = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    @Test
    void survivesHostilePeersWithoutLeakingConnectionsBuffersOrHeapAndStillAnswers() throws Exception {
        int[] ports = FreePorts.next(2);
        int tcpPort = ports[0];
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try (JavaProcess node = JavaProcess.start("push-hostile", ProjectPaths.serviceJar("push-service"),
                List.of("-Dio.netty.leakDetection.level=paranoid"),
                List.of("--server.port=" + ports[1], "--server.address=127.0.0.1",
                        "--push.tcp.port=" + tcpPort, "--push.tcp.host=127.0.0.1", "--push.tcp.advertised-host=127.0.0.1",
                        "--mesh.registration.enabled=false",
                        "--push.tcp.max-connections=" + MAX_CONNECTIONS, "--push.tcp.max-frame-length=65536",
                        "--push.tcp.frame-timeout=2s", "--push.tcp.idle-timeout=3s"))) {
            Actuator actuator = new Actuator("push-hostile's actuator (127.0.0.1:" + ports[1] + ")", ports[1]);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                assertThat(node.isAlive()).as("push-hostile alive; log:%n%s", node.logText()).isTrue();
                assertThat(actuatorAnswers(actuator)).isEqualTo("UP");
            });
            System.out.printf("hostile peers: seed %d (rerun with -Dhostile.seed=%d)%n", seed, seed);

            answersNormally(tcpPort, group, 200);
            await().atMost(WAIT).until(() -> actuator.gauge("mesh.tcp.server.connections") == 0);
            double connectionsBefore = actuator.gauge("mesh.tcp.server.connections");
            node.collectGarbage();
            double heapBefore = actuator.gauge("jvm.memory.used", "area:heap");

            List<Socket> leftOpen = new ArrayList<>();
            floodWithHostileConnections(tcpPort, leftOpen);
            neverReadAnswers(tcpPort, actuator);
            List<Socket> idle = openMoreIdleConnectionsThanAllowed(tcpPort);
            leftOpen.addAll(idle);
            for (Socket socket : leftOpen) {
                assertThat(closedByNode(socket)).as("a connection left half-sent or idle is closed by the node").isTrue();
                socket.close();
            }

            await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> actuator.gauge("mesh.tcp.server.connections") == connectionsBefore);
            JsonNode items = answersNormally(tcpPort, group, 1);
            assertThat(items).isNotEmpty();

            // Leaked buffers are reported when the next buffers are allocated after a GC found them.
            node.collectGarbage();
            answersNormally(tcpPort, group, 200);
            node.collectGarbage();
            answersNormally(tcpPort, group, 200);
            await().atMost(WAIT).until(() -> actuator.gauge("mesh.tcp.server.connections") == connectionsBefore);
            node.collectGarbage();
            double heapAfter = actuator.gauge("jvm.memory.used", "area:heap");

            String log = node.logText();
            System.out.printf("hostile peers: %d connections, %d frames sent, %d connections closed by the node,"
                            + " %d refused while sending; node limits hit: %s; heap after full GC %.1f MiB before,"
                            + " %.1f MiB after; LEAK reports: %d%n",
                    HOSTILE_CONNECTIONS + 1 + MAX_CONNECTIONS + 16, framesSent.get(), closedByNode.get(), refused.get(),
                    limits(actuator), heapBefore / (1 << 20), heapAfter / (1 << 20), log.split("LEAK:", -1).length - 1);
            assertThat(node.isAlive()).isTrue();
            assertThat(log).as("Netty leak reports in the node's log").doesNotContain("LEAK:");
            assertThat(heapAfter).as("heap after a full GC, bytes (before: %.0f)", heapBefore)
                    .isLessThanOrEqualTo(heapBefore + HEAP_MARGIN_BYTES);
            for (String limit : List.of("malformed-frame", "max-frame-length", "frame-timeout", "idle-timeout",
                    "max-connections", "unread-answers")) {
                assertThat(actuator.count("mesh.tcp.limits", "side:server", "limit:" + limit)).as(limit).isPositive();
            }
            assertThat(log).doesNotContain("OutOfMemoryError");
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * Thousands of short connections, eight at a time: each sends up to 20 well-framed packets with odd
     * contents (and now and then a real request), then ends with a malformed frame, by closing at once,
     * or (for a few) with half a frame or nothing, left open for the node to close.
     */
    private void floodWithHostileConnections(int port, List<Socket> leftOpen) throws Exception {
        ExecutorService peers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Socket>> results = new ArrayList<>();
            for (int i = 0; i < HOSTILE_CONNECTIONS; i++) {
                boolean mayStayOpen = i % (HOSTILE_CONNECTIONS / LEFT_OPEN) == 0;
                HostileFrames frames = new HostileFrames(seed + i);
                results.add(peers.submit(() -> hostileConnection(port, frames, mayStayOpen)));
            }
            for (Future<Socket> result : results) {
                Socket open = result.get(2, TimeUnit.MINUTES);
                if (open != null) {
                    leftOpen.add(open);
                }
            }
        } finally {
            peers.shutdownNow();
        }
    }

    private Socket hostileConnection(int port, HostileFrames frames, boolean mayStayOpen) throws IOException {
        Socket socket = connect(port);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = frames.nextInt(21);
        for (int i = 0; i < count; i++) {
            out.writeBytes(frames.nextInt(10) == 0 ? frames.request(1 + frames.nextInt(100)) : frames.wellFramed());
        }
        int ending = mayStayOpen ? 3 + frames.nextInt(2) : frames.nextInt(3);
        switch (ending) {
            case 0, 1 -> out.writeBytes(frames.malformed());
            case 3 -> out.writeBytes(frames.halfFrame());
            default -> { } // 2: close at once; 4: stay open, idle
        }
        framesSent.addAndGet(count + (ending == 2 || ending == 4 ? 0 : 1));
        try {
            socket.getOutputStream().write(out.toByteArray());
            socket.getOutputStream().flush();
        } catch (IOException closedWhileSending) {
            refused.incrementAndGet();
            socket.close();
            return null;
        }
        if (ending >= 3) {
            return socket;
        }
        if (ending < 2) {
            // Done sending: a malformed ending that is only the start of something (a prefix without '#')
            // is then closed at once instead of waiting for the frame timeout, which the half frames test.
            socket.shutdownOutput();
        }
        if (ending < 2 && closedByNode(socket)) {
            closedByNode.incrementAndGet();
        }
        socket.close();
        return null;
    }

    /**
     * A peer sending a thousand requests for 100 items (some 28 MB of answers) and never reading an answer:
     * it leaves once the node stopped reading it.
     */
    private void neverReadAnswers(int port, Actuator actuator) throws IOException {
        HostileFrames frames = new HostileFrames(seed - 1);
        try (Socket socket = connect(port)) {
            socket.setReceiveBufferSize(4096);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < 1000; i++) {
                out.writeBytes(frames.request(100));
            }
            framesSent.addAndGet(1000);
            socket.getOutputStream().write(out.toByteArray());
            socket.getOutputStream().flush();
            await().atMost(WAIT).until(() -> actuator.count("mesh.tcp.limits", "side:server", "limit:unread-answers") > 0);
        } catch (IOException refusedWhileSending) {
            refused.incrementAndGet();
        }
    }

    /** More connections than the node allows, all silent: the ones over the maximum are closed at once. */
    private List<Socket> openMoreIdleConnectionsThanAllowed(int port) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < MAX_CONNECTIONS + 16; i++) {
            sockets.add(connect(port));
        }
        return sockets;
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(30_000);
        return socket;
    }

    /** Reads (and drops) answers until the node closes the connection: true on end of stream or reset. */
    private static boolean closedByNode(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            while (in.read(buffer) >= 0) {
                // answers to the well-framed requests before the end
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** Sends {@code calls} ordinary requests on one fresh connection, closes it, returns the last answer. */
    private static JsonNode answersNormally(int port, NioEventLoopGroup group, int calls) {
        JsonNode last = null;
        try (TcpClient client = new TcpClient("127.0.0.1", port, TcpClientOptions.defaults(), group,
                new PacketCodec(new ObjectMapper()))) {
            for (int i = 0; i < calls; i++) {
                last = client.send(NODES.stringNode("fetchLatestNews"), NODES.objectNode().put("limit", 20))
                        .blockLast(Duration.ofSeconds(30));
            }
        }
        return last;
    }

    /** The node's health status, or why its actuator does not answer yet (while it starts). */
    private static String actuatorAnswers(Actuator actuator) {
        try {
            return actuator.healthStatus();
        } catch (IllegalStateException notYet) {
            return notYet.getMessage();
        }
    }

    private static String limits(Actuator actuator) {
        StringBuilder text = new StringBuilder();
        for (String limit : List.of("malformed-frame", "max-frame-length", "frame-timeout", "idle-timeout",
                "max-connections", "max-pending-requests", "unread-answers")) {
            text.append(text.isEmpty() ? "" : ", ").append(limit).append('=')
                    .append((long) actuator.count("mesh.tcp.limits", "side:server", "limit:" + limit));
        }
        return text.toString();
    }
}
