package dev.consulmesh.gateway.resilience;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Users of the gateway: a fixed number of threads, each calling {@code GET /fetchLatestNews} and waiting
 * for the answer before the next call, paced together to a target rate. So at most {@link #concurrency()}
 * requests are in flight at any time. It counts what was sent, what failed (any status but 200, or no
 * answer), which node answered (the {@code X-Push-Node} header) and when, and how long calls took.
 */
final class LoadGenerator implements AutoCloseable {

    static final int THREADS = 12;
    static final int REQUESTS_PER_SECOND = 300;
    static final int STEADY_CALLS = 100;
    private static final String NODE_HEADER = "X-Push-Node";
    private static final String RETRIES = "mesh.client.retries";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final int FAILURES_KEPT = 10;

    private final MeshCluster mesh;
    private final HttpRequest request;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService users = Executors.newFixedThreadPool(THREADS, task -> {
        Thread thread = new Thread(task, "load-user");
        thread.setDaemon(true);
        return thread;
    });
    private final long nanosBetweenCallsOfOneUser;

    private final LongAdder sent = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final List<String> firstFailures = new ArrayList<>();
    private final Map<String, LongAdder> servedCounts = new ConcurrentHashMap<>();
    private final Map<String, Long> lastServedNanos = new ConcurrentHashMap<>();
    private final Latencies latencies = new Latencies();
    private final Map<String, Duration> measuredTimes = new LinkedHashMap<>();
    private volatile boolean running;
    private boolean summaryPrinted;
    private long startedNanos;
    private long stoppedNanos;

    private LoadGenerator(MeshCluster mesh, int requestsPerSecond) {
        this.mesh = mesh;
        this.nanosBetweenCallsOfOneUser = TimeUnit.SECONDS.toNanos(THREADS) / requestsPerSecond;
        this.request = HttpRequest.newBuilder(mesh.gatewayUri("/fetchLatestNews")).timeout(REQUEST_TIMEOUT).GET().build();
    }

    static LoadGenerator against(MeshCluster mesh) {
        return new LoadGenerator(mesh, REQUESTS_PER_SECOND);
    }

    /** At a lower rate than the default, for a test that shares the machine with a browser. */
    static LoadGenerator against(MeshCluster mesh, int requestsPerSecond) {
        return new LoadGenerator(mesh, requestsPerSecond);
    }

    private void start() {
        running = true;
        startedNanos = System.nanoTime();
        for (int i = 0; i < THREADS; i++) {
            users.execute(this::callUntilStopped);
        }
    }

    /** Lets every call in flight finish, then returns; nothing is cut short. */
    void stop() {
        if (!running) {
            return;
        }
        running = false;
        users.shutdown();
        try {
            if (!users.awaitTermination(REQUEST_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("load threads still busy " + (REQUEST_TIMEOUT.toSeconds() + 5) + " s after stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        stoppedNanos = System.nanoTime();
    }

    private void callUntilStopped() {
        // Users start spread over one interval, not all in the same instant.
        long next = System.nanoTime() + ThreadLocalRandom.current().nextLong(nanosBetweenCallsOfOneUser);
        while (running) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
            // A late call is not made up for: the rate drops when the mesh slows down, as real users' would.
            next = Math.max(next + nanosBetweenCallsOfOneUser, System.nanoTime());
            callOnce();
        }
    }

    private void callOnce() {
        long begin = System.nanoTime();
        sent.increment();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long end = System.nanoTime();
            latencies.add(end - begin);
            String node = response.headers().firstValue(NODE_HEADER).orElse(null);
            if (response.statusCode() != 200 || node == null) {
                failure(end, "HTTP " + response.statusCode() + (node == null ? " without " + NODE_HEADER : " from " + node)
                        + ": " + abbreviate(response.body()));
                return;
            }
            servedCounts.computeIfAbsent(node, id -> new LongAdder()).increment();
            lastServedNanos.merge(node, end, Math::max);
        } catch (IOException e) {
            failure(System.nanoTime(), "no answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure(System.nanoTime(), "interrupted while waiting for the answer");
        }
    }

    private void failure(long atNanos, String description) {
        failed.increment();
        synchronized (firstFailures) {
            if (firstFailures.size() < FAILURES_KEPT) {
                firstFailures.add(String.format("%.2f s into the load: %s", (atNanos - startedNanos) / 1e9, description));
            }
        }
    }

    private static String abbreviate(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "...";
    }

    int concurrency() {
        return THREADS;
    }

    long sent() {
        return sent.sum();
    }

    long failed() {
        return failed.sum();
    }

    long servedCount(PushNode node) {
        LongAdder count = servedCounts.get(node.instanceId());
        return count == null ? 0 : count.sum();
    }

    /** Whether the node answered a call that ended at or after {@code nanoTime} (a {@link System#nanoTime()}). */
    boolean servedSince(PushNode node, long nanoTime) {
        return lastServedNanos.getOrDefault(node.instanceId(), Long.MIN_VALUE) >= nanoTime;
    }

    /** How long ago the node last answered; fails when it never did. */
    Duration sinceLastServed(PushNode node) {
        Long last = lastServedNanos.get(node.instanceId());
        assertThat(last).as("%s answered no call of the load at all (served: %s)", node.instanceId(), servedCounts).isNotNull();
        return Duration.ofNanos(System.nanoTime() - last);
    }

    /** Waits until every one of {@code nodes} answered a call that ended after {@code nanoTime}; returns how long that took. */
    Duration awaitServedBy(Collection<PushNode> nodes, long nanoTime, Duration atMost) {
        return awaitEach(nodes, "answering a call of the load", node -> servedSince(node, nanoTime), atMost);
    }

    /**
     * Starts the load and returns once every one of {@code nodes} answered {@value #STEADY_CALLS} calls, so a
     * failure a test causes next hits a mesh in steady use.
     */
    void startAndAwaitSteady(Collection<PushNode> nodes) {
        start();
        recordTime("load start until steady on every node", awaitEach(nodes, "answering " + STEADY_CALLS + " calls of the load",
                node -> servedCount(node) >= STEADY_CALLS, Duration.ofSeconds(30)));
    }

    private Duration awaitEach(Collection<PushNode> nodes, String what, Predicate<PushNode> done, Duration atMost) {
        List<String> ids = nodes.stream().map(PushNode::instanceId).toList();
        return mesh.await(ids + " " + what, atMost, () -> {
            for (PushNode node : nodes) {
                assertThat(done.test(node)).as("%s %s; served so far: %s", node.instanceId(), what, servedCounts).isTrue();
            }
        });
    }

    /** Notes a time the scenario measured, for {@link #printSummary(String)}. */
    void recordTime(String what, Duration took) {
        synchronized (measuredTimes) {
            measuredTimes.put(what, took);
        }
    }

    void assertNoFailedRequests() {
        assertFailedAtMost(0);
    }

    void assertFailedAtMost(long allowed) {
        assertThat(failed()).as(() -> failed() + " of " + sent() + " requests failed, at most " + allowed + " may; the first: "
                + String.join("\n  ", firstFailures()) + "\n" + mesh.logs()).isLessThanOrEqualTo(allowed);
    }

    List<String> firstFailures() {
        synchronized (firstFailures) {
            return List.copyOf(firstFailures);
        }
    }

    /** Prints what the load saw and what the gateway counted; never fails, so it can run after any failure. */
    void printSummary(String scenario) {
        summaryPrinted = true;
        long end = running ? System.nanoTime() : stoppedNanos;
        double seconds = (end - startedNanos) / 1e9;
        StringBuilder text = new StringBuilder("===== " + scenario + " =====\n");
        text.append(String.format("mesh ready (every node passing, gateway up and routing to all) in %.1f s%n",
                mesh.startupTime().toMillis() / 1000.0));
        text.append(String.format("load: %d users paced to %d req/s, ran %.1f s, %.0f req/s achieved%n",
                THREADS, REQUESTS_PER_SECOND, seconds, sent() / seconds));
        text.append(String.format("requests sent: %d, failed: %d%n", sent(), failed()));
        text.append("retries counted by the gateway (" + RETRIES + "): " + gatewayRetries() + "\n");
        text.append(String.format("latency: p99 %d ms, max %d ms%n", latencies.percentile(0.99).toMillis(), latencies.max().toMillis()));
        text.append("served per node: ").append(new TreeMap<>(servedCounts)).append('\n');
        synchronized (measuredTimes) {
            measuredTimes.forEach((what, took) -> text.append(String.format("measured: %s: %.2f s%n", what, took.toMillis() / 1000.0)));
        }
        firstFailures().forEach(failure -> text.append("failure: ").append(failure).append('\n'));
        System.out.print(text);
    }

    private String gatewayRetries() {
        try {
            return String.valueOf((long) gatewayRetriesCounted());
        } catch (RuntimeException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** The gateway's count of calls it tried again on another node. */
    double gatewayRetriesCounted() {
        return mesh.gatewayManagement().count(RETRIES);
    }

    /** Stops the load, and prints its summary if the test ended before it printed one. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            if (!summaryPrinted && startedNanos != 0) {
                printSummary("the test ended before it printed its summary; the load so far");
            }
        }
    }
}
