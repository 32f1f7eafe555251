package dev.consulmesh.transport.server;

import dev.consulmesh.testsupport.RawFrames;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import dev.consulmesh.transport.wire.TransportLimit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Blocking} handlers on a real {@link TcpServer} and socket: they run off the I/O thread, at most
 * {@code max-concurrency} at once, the rest waiting; a non-blocking handler on the same connection is
 * answered meanwhile; beyond the queue a request is answered "server busy" at once.
 */
class BlockingHandlersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SLEEP_MILLIS = 200;

    private final SleepingHandlers handlers = new SleepingHandlers();
    private TcpServer server;
    private Socket socket;

    static final class SleepingHandlers {
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        volatile CountDownLatch release;

        @Blocking
        @MessagePattern("report")
        String report(int n) throws InterruptedException {
            int now = running.incrementAndGet();
            mostAtOnce.accumulateAndGet(now, Math::max);
            threads.add(Thread.currentThread().getName());
            try {
                if (release != null) {
                    release.await(10, TimeUnit.SECONDS);
                } else {
                    Thread.sleep(SLEEP_MILLIS);
                }
                return "report " + n;
            } finally {
                running.decrementAndGet();
            }
        }

        @MessagePattern("ping")
        String ping() {
            threads.add("ping:" + Thread.currentThread().getName());
            return "pong";
        }
    }

    @AfterEach
    void stop() throws IOException {
        if (socket != null) {
            socket.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void runsBlockingCallsOffTheIoThreadAtMostMaxConcurrencyAtOnce() throws Exception {
        start(8, 1024);
        int requests = 50;
        long started = System.nanoTime();
        StringBuilder frames = new StringBuilder();
        for (int i = 0; i < requests; i++) {
            frames.append(frame("{\"pattern\":\"report\",\"data\":" + i + ",\"id\":\"r" + i + "\"}"));
        }
        send(frames.toString());
        send(frame("{\"pattern\":\"ping\",\"id\":\"ping\"}"));

        Map<String, Long> answeredAfter = new LinkedHashMap<>();
        Map<String, JsonNode> answers = new LinkedHashMap<>();
        BufferedReader in = reader();
        while (answers.size() < requests + 1) {
            JsonNode answer = JSON.readTree(readFrame(in));
            String id = answer.get("id").asString();
            answers.put(id, answer);
            answeredAfter.put(id, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
        long total = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        String first = answers.keySet().iterator().next();
        System.out.printf("blocking: %d requests sleeping %d ms, max-concurrency 8 on %s threads: all answered in %d ms"
                        + " (ideal %d ms), at most %d ran at once; ping answered after %d ms, first of all answers: %s%n",
                requests, SLEEP_MILLIS, BlockingHandlerExecutor.virtualThreadsAvailable() ? "virtual" : "platform",
                total, (requests + 7) / 8 * SLEEP_MILLIS, handlers.mostAtOnce.get(), answeredAfter.get("ping"),
                first.equals("ping"));

        assertThat(first).as("the non-blocking handler is answered before any blocking one").isEqualTo("ping");
        assertThat(handlers.mostAtOnce.get()).isEqualTo(8);
        assertThat(total).as("7 rounds of 8 calls, 200 ms each").isGreaterThanOrEqualTo(7 * SLEEP_MILLIS - 20);
        for (int i = 0; i < requests; i++) {
            assertThat(answers.get("r" + i).toString())
                    .isEqualTo("{\"response\":\"report " + i + "\",\"isDisposed\":true,\"id\":\"r" + i + "\"}");
        }
        assertThat(handlers.threads).filteredOn(name -> !name.startsWith("ping:")).isNotEmpty()
                .allMatch(name -> name.startsWith("tcp-blocking-"));
        assertThat(handlers.threads).filteredOn(name -> name.startsWith("ping:")).singleElement().asString()
                .startsWith("ping:tcp-io");
        assertThat(server.inFlightRequests()).isZero();
    }

    @Test
    void answersServerBusyAtOnceWhenTheQueueIsFull() throws Exception {
        handlers.release = new CountDownLatch(1);
        start(1, 1);
        BufferedReader in = reader();

        send(frame("{\"pattern\":\"report\",\"data\":1,\"id\":\"running\"}")
                + frame("{\"pattern\":\"report\",\"data\":2,\"id\":\"waiting\"}")
                + frame("{\"pattern\":\"report\",\"data\":3,\"id\":\"refused\"}"));

        assertThat(readFrame(in)).isEqualTo("{\"err\":{\"status\":\"error\",\"message\":\"server busy: 1 blocking calls"
                + " running and 1 waiting; retry later\"},\"isDisposed\":true,\"id\":\"refused\"}");
        assertThat(server.limitViolations().count(TransportLimit.BLOCKING_QUEUE_FULL)).isEqualTo(1);
        handlers.release.countDown();
        assertThat(readFrame(in)).isEqualTo("{\"response\":\"report 1\",\"isDisposed\":true,\"id\":\"running\"}");
        assertThat(readFrame(in)).isEqualTo("{\"response\":\"report 2\",\"isDisposed\":true,\"id\":\"waiting\"}");
    }

    private void start(int maxConcurrency, int maxQueued) throws IOException {
        TcpServerProperties properties = new TcpServerProperties();
        properties.setHost("127.0.0.1");
        properties.setPort(0);
        properties.setShutdownTimeout(Duration.ofSeconds(2));
        properties.getBlocking().setMaxConcurrency(maxConcurrency);
        properties.getBlocking().setMaxQueued(maxQueued);
        HandlerRegistry registry = new HandlerRegistry(new PatternRoute(JSON));
        AnnotatedHandlers.register(registry, handlers, JSON);
        server = new TcpServer(properties, registry, new PacketCodec(JSON));
        server.start();
        socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(10_000);
    }

    private void send(String frames) throws IOException {
        socket.getOutputStream().write(frames.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    private BufferedReader reader() throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    private static String readFrame(BufferedReader in) throws IOException {
        return RawFrames.read(in);
    }

    private static String frame(String json) {
        return json.length() + "#" + json;
    }
}
