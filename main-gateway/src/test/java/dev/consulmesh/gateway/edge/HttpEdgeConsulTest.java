package dev.consulmesh.gateway.edge;

import dev.consulmesh.gateway.GatewayApplication;
import dev.consulmesh.gateway.news.FakeNewsNode;
import dev.consulmesh.testsupport.TestConsul;
import dev.consulmesh.testsupport.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's public port against clients that never finish, with a real Consul agent and two nodes:
 * connections that trickle their headers are answered 408 and closed after the header timeout while
 * normal requests keep their latency; a kept-alive connection left idle is closed; one client over its
 * connection cap is refused with a 503 at once.
 */
class HttpEdgeConsulTest {

    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(1);
    private static final int PER_CLIENT = 60;
    private static TestConsul consul;
    private static final List<TestNode> nodes = new ArrayList<>();
    private static ConfigurableApplicationContext gateway;
    private static int port;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        consul = TestConsul.start();
        FakeNewsNode handlers = new FakeNewsNode();
        nodes.add(TestNode.start(consul, "push-service", handlers));
        nodes.add(TestNode.start(consul, "push-service", handlers));
        gateway = new SpringApplicationBuilder(GatewayApplication.class).run(
                "--server.port=0", "--management.server.port=0",
                "--spring.cloud.consul.host=" + consul.host(),
                "--spring.cloud.consul.port=" + consul.httpPort(),
                "--mesh.registration.advertised-host=127.0.0.1",
                "--mesh.registration.drain-period=0s",
                "--gateway.http.header-timeout=" + HEADER_TIMEOUT.toMillis() + "ms",
                "--gateway.http.max-connections-per-client=" + PER_CLIENT,
                "--server.netty.idle-timeout=2500ms");
        port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
        await().atMost(Duration.ofSeconds(15)).until(() -> get().statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        nodes.forEach(TestNode::close);
        if (consul != null) {
            consul.close();
        }
    }

    private static HttpResponse<String> get() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fetchLatestNews?limit=2"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Latencies of sequential normal requests, in ms, sorted. */
    private static long[] latencies(int count) throws Exception {
        long[] took = new long[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            assertThat(get().statusCode()).isEqualTo(200);
            took[i] = (System.nanoTime() - start) / 1_000_000;
        }
        Arrays.sort(took);
        return took;
    }

    @Test
    void connectionsThatTrickleTheirHeadersAreAnswered408AndClosedWhileNormalRequestsKeepTheirLatency() throws Exception {
        long[] before = latencies(100);
        int slowCount = 40; // under the per-client cap, so only the header deadline acts
        List<Socket> slow = new ArrayList<>();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < slowCount; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout((int) HEADER_TIMEOUT.toMillis() + 8_000);
                socket.getOutputStream().write("GET /fetchLatestNews HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                slow.add(socket);
            }
            long openedAt = System.nanoTime();
            // one more header line every 300 ms: each read would reset an idle timer, never the header deadline
            trickle.scheduleAtFixedRate(() -> slow.forEach(socket -> {
                try {
                    socket.getOutputStream().write("X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException closedByTheGateway) {
                    // expected once the deadline passed
                }
            }), 300, 300, TimeUnit.MILLISECONDS);

            long[] during = latencies(100);

            int answered408 = 0;
            long slowestCloseMs = 0;
            for (Socket socket : slow) {
                String answer = readAll(socket.getInputStream());
                slowestCloseMs = Math.max(slowestCloseMs, (System.nanoTime() - openedAt) / 1_000_000);
                if (answer.startsWith("HTTP/1.1 408")) {
                    answered408++;
                }
            }
            System.out.printf("HttpEdgeConsulTest: %d trickling connections, %d answered 408 and closed, the last %d ms after"
                            + " they opened (header timeout %d ms); normal requests p50/p99 before %d/%d ms, during %d/%d ms%n",
                    slowCount, answered408, slowestCloseMs, HEADER_TIMEOUT.toMillis(), before[50], before[98], during[50], during[98]);
            assertThat(answered408).isEqualTo(slowCount);
            assertThat(slowestCloseMs).isLessThan(HEADER_TIMEOUT.toMillis() + 6_000);
        } finally {
            trickle.shutdownNow();
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void aKeptAliveConnectionLeftIdleIsClosed() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /fetchLatestNews?limit=1 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            long start = System.nanoTime();
            String answer = readAll(in); // the answer, then the end of the stream when the idle timeout closes it
            long closedAfterMs = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("HttpEdgeConsulTest: an idle kept-alive connection was closed %d ms after its answer began%n",
                    closedAfterMs);
            assertThat(answer).startsWith("HTTP/1.1 200");
            assertThat(closedAfterMs).isBetween(500L, 8_000L);
        }
    }

    @Test
    void aClientOverItsConnectionCapIsRefusedAtOnceWithA503() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < PER_CLIENT; i++) {
                held.add(new Socket("127.0.0.1", port));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                try (Socket extra = new Socket("127.0.0.1", port)) {
                    extra.setSoTimeout(5_000);
                    String refused = readAll(extra.getInputStream());
                    return refused.startsWith("HTTP/1.1 503") && refused.contains("gateway.http.max-connections-per-client");
                }
            });
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> get().statusCode() == 200);
    }

    private static String readAll(InputStream in) {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[4096];
        try {
            for (int read; (read = in.read(buffer)) > 0; ) {
                text.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
            }
        } catch (IOException resetOrTimeout) {
            // what arrived is what counts
        }
        return text.toString();
    }
}
