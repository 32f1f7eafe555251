package dev.consulmesh.client;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.balancing.BalancingStrategy;
import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.discovery.DiscoveryProperties;
import dev.consulmesh.discovery.ServiceDiscovery;
import dev.consulmesh.failure.UnusableAnswerException;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.retry.IdempotentPatterns;
import dev.consulmesh.testsupport.CallLoad;
import dev.consulmesh.testsupport.CallLoad.Figures;
import dev.consulmesh.testsupport.TestConsul;
import dev.consulmesh.testsupport.TestNode;
import dev.consulmesh.testsupport.StartedResources;
import dev.consulmesh.transport.client.RemoteErrorException;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.server.RpcException;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The mesh client's outlier ejection against a real Consul agent and real TCP nodes: a node that
 * answers what the caller cannot use, one whose handler throws on every call, errors every node gives,
 * and a node much slower than the attempt timeout. Figures of the slow-node case are printed (they go
 * to the surefire report files).
 */
class MeshClientOutlierConsulTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final StartedResources started = new StartedResources();
    private TestConsul consul;
    private MeshMetrics metrics;
    private MeshClient mesh;

    /** A node's handlers: {@code read} answers with what {@code answer} gives; counts calls and calls in flight. */
    public static final class Node {
        final AtomicInteger reads = new AtomicInteger();
        /** When each call arrived, System.nanoTime(), from when watching was set. */
        final List<Long> arrivals = Collections.synchronizedList(new ArrayList<>());
        final Duration delay;
        final boolean throwing;
        final Object answer;
        final AtomicBoolean watching = new AtomicBoolean();

        Node(Object answer, boolean throwing, Duration delay) {
            this.answer = answer;
            this.throwing = throwing;
            this.delay = delay;
        }

        @MessagePattern("read")
        public Mono<Object> read() {
            reads.incrementAndGet();
            if (throwing) {
                return Mono.error(new RpcException("this node is broken"));
            }
            if (watching.get()) {
                arrivals.add(System.nanoTime());
            }
            return delay.isZero() ? Mono.just(answer) : Mono.delay(delay).thenReturn(answer);
        }

        @MessagePattern("strict")
        public String strict(String data) {
            throw new RpcException("data must be a number, got " + data);
        }
    }

    private static Node answering(Object answer) {
        return new Node(answer, false, Duration.ZERO);
    }

    /** Most calls that arrived at the node within any {@code window} while it was watched. */
    private static int mostArrivalsWithin(Node node, Duration window) {
        List<Long> times = new ArrayList<>(node.arrivals);
        Collections.sort(times);
        int most = 0;
        int first = 0;
        for (int last = 0; last < times.size(); last++) {
            while (times.get(last) - times.get(first) > window.toNanos()) {
                first++;
            }
            most = Math.max(most, last - first + 1);
        }
        return most;
    }

    @BeforeEach
    void startConsul() {
        consul = TestConsul.start();
        started.add(consul);
    }

    private void startMesh(Consumer<MeshClientProperties> settings) {
        MeshClientProperties properties = new MeshClientProperties();
        properties.setAttemptTimeout(Duration.ofMillis(500));
        settings.accept(properties);
        metrics = MeshMetrics.inMemory();
        ServiceDiscovery discovery = new ServiceDiscovery(ConsulAgent.at(consul.host(), consul.httpPort()), new DiscoveryProperties());
        NodeClients clients = new NodeClients(properties.toOptions(), new PacketCodec(MAPPER));
        mesh = MeshClient.builder(discovery, clients, MAPPER, properties,
                new IdempotentPatterns(new PatternRoute(MAPPER), List.of("read", "strict")), metrics).build();
        started.add(discovery);
        started.add(clients);
        started.add(mesh);
    }

    private TestNode node(Node handlers) {
        TestNode node = TestNode.start(consul, "svc", handlers);
        return started.add(node);
    }

    @AfterEach
    void stop() throws Exception {
        started.close();
    }

    private void awaitListed(int count) {
        mesh.prepare("svc");
        await().atMost(WAIT).until(() -> mesh.status().get("svc").listed() == count);
    }

    private NodeReport status(TestNode node) {
        return mesh.status().get("svc").nodes().stream().filter(n -> n.instanceId().equals(node.instanceId()))
                .findFirst().orElseThrow();
    }

    private double ejections(TestNode node) {
        return metrics.registry().find("mesh.client.ejections").tag("node", node.instanceId()).counters().stream()
                .mapToDouble(counter -> counter.count()).sum();
    }

    /** The caller's reading of the answer: a list, or the answer is unusable. */
    private static JsonNode list(NodeReply reply) {
        JsonNode value = reply.value();
        if (value == null || !value.isArray()) {
            throw new UnusableAnswerException("expected an array, got " + (value == null ? "nothing" : value.getNodeType()));
        }
        return value;
    }

    @Test
    void aNodeThatAnswersAnUnusableShapeCostsNoCallAndIsEjected() {
        // Round robin keeps sending the bad node every other call: this is about ejection by failures in a
        // row. (Peak-EWMA, the default, mostly stops choosing it before five failures come together.)
        startMesh(properties -> properties.setStrategy(BalancingStrategy.ROUND_ROBIN));
        node(answering(List.of("news")));
        TestNode objects = node(answering(java.util.Map.of("news", 1)));
        awaitListed(2);

        for (int i = 0; i < 30; i++) {
            assertThat(mesh.send("svc", "read", null, MeshClientOutlierConsulTest::list).block(WAIT).get(0).asString())
                    .isEqualTo("news");
        }

        assertThat(status(objects).state()).isEqualTo("ejected");
        assertThat(status(objects).stateReason()).startsWith("5 failures in a row, the latest unusable answer: expected an array, got OBJECT");
        assertThat(mesh.status().get("svc").usable()).isEqualTo(1);
    }

    @Test
    void aNodeWhoseHandlerThrowsOnEveryCallCostsNoIdempotentCallAndIsEjected() {
        // Round robin keeps sending the bad node every other call: this is about ejection by failures in a
        // row. (Peak-EWMA, the default, mostly stops choosing it before five failures come together.)
        startMesh(properties -> properties.setStrategy(BalancingStrategy.ROUND_ROBIN));
        node(answering("news"));
        TestNode broken = node(new Node(null, true, Duration.ZERO));
        awaitListed(2);

        for (int i = 0; i < 30; i++) {
            assertThat(mesh.send("svc", "read", null).block(WAIT).value().asString()).isEqualTo("news");
        }

        assertThat(status(broken).state()).isEqualTo("ejected");
        assertThat(status(broken).stateReason()).startsWith("5 failures in a row, the latest remote error: this node is broken");
    }

    @Test
    void errorsEveryNodeGivesEjectNone() {
        startMesh(properties -> { });
        Node first = answering("news");
        Node second = answering("news");
        node(first);
        node(second);
        awaitListed(2);

        for (int i = 0; i < 30; i++) {
            Throwable failure = catchThrowable(() -> mesh.send("svc", "strict", "abc").block(WAIT));
            assertThat(failure).isInstanceOf(RemoteErrorException.class).hasMessageContaining("data must be a number, got abc");
        }

        assertThat(mesh.status().get("svc").nodes()).extracting(NodeReport::state).containsOnly("healthy");
        assertThat(mesh.send("svc", "read", null).block(WAIT).value().asString()).isEqualTo("news");
    }

    @Test
    void aNodeMuchSlowerThanTheAttemptTimeoutTakesAFewTrialCallsNotItsFullShare() {
        slowNode(BalancingStrategy.ROUND_ROBIN);
    }

    @Test
    void withPeakEwmaASlowNodeLikewiseStaysOutOrOnTrial() {
        slowNode(BalancingStrategy.PEAK_EWMA);
    }

    private void slowNode(BalancingStrategy strategy) {
        startMesh(properties -> properties.setStrategy(strategy));
        node(new Node("news", false, Duration.ofMillis(5)));
        node(new Node("news", false, Duration.ofMillis(5)));
        awaitListed(2);
        Figures without = load(Duration.ofSeconds(3), 8);

        Node slowHandlers = new Node("news", false, Duration.ofMillis(1500));
        TestNode slow = node(slowHandlers);
        awaitListed(3);
        Thread watcher = new Thread(() -> {
            await().atMost(WAIT).until(() -> ejections(slow) >= 1);
            slowHandlers.watching.set(true);
        });
        watcher.setDaemon(true);
        watcher.start();
        Figures with = load(Duration.ofSeconds(10), 8);
        double ejections = ejections(slow);

        System.out.printf(Locale.ROOT, "slow node (1500 ms, attempt timeout 500 ms, %s, 8 concurrent callers):%n"
                        + "  without it: %d calls, p50 %d ms, p99 %d ms, max %d ms, %d failed%n"
                        + "  with it:    %d calls, p50 %d ms, p99 %d ms, max %d ms, %d failed; slow node got %d of %d attempts (%.2f%%)%n"
                        + "  ejections of the slow node in 10 s: %d; most calls it got within 500 ms after its first ejection: %d;"
                        + " its state now: %s (%s), peak-EWMA %.0f ms%n",
                strategy, without.calls(), without.percentile(50), without.percentile(99), without.percentile(100), without.failed(),
                with.calls(), with.percentile(50), with.percentile(99), with.percentile(100), with.failed(), slowHandlers.reads.get(),
                with.calls() + slowHandlers.reads.get(), 100.0 * slowHandlers.reads.get() / (with.calls() + slowHandlers.reads.get()),
                (long) ejections, mostArrivalsWithin(slowHandlers, Duration.ofMillis(500)), status(slow).state(), status(slow).stateReason(),
                status(slow).latencyMillis());

        assertThat(with.failed()).as("failed calls with the slow node present").isZero();
        assertThat(status(slow).state()).as("out, or on trial; never back with its full share").isIn("ejected", "trial");
        assertThat(mostArrivalsWithin(slowHandlers, Duration.ofMillis(500)))
                .as("calls it got within 500 ms after its first ejection").isLessThanOrEqualTo(3);
        assertThat(slowHandlers.reads.get()).as("its attempts, of " + with.calls() + " calls").isLessThan(with.calls() / 10);
    }

    /** Calls made by {@code callers} concurrent loops for {@code duration}; each call's time. */
    private Figures load(Duration duration, int callers) {
        return CallLoad.run(mesh, "svc", "read", duration, callers);
    }
}
