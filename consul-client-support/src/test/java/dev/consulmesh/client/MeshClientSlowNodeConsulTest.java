package dev.consulmesh.client;

import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.discovery.DiscoveryProperties;
import dev.consulmesh.discovery.ServiceDiscovery;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.retry.IdempotentPatterns;
import dev.consulmesh.testsupport.CallLoad;
import dev.consulmesh.testsupport.CallLoad.Figures;
import dev.consulmesh.testsupport.StartedResources;
import dev.consulmesh.testsupport.TestConsul;
import dev.consulmesh.testsupport.TestNode;
import dev.consulmesh.transport.client.RemoteErrorException;
import dev.consulmesh.transport.client.RequestTimeoutException;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.server.RpcException;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * A slow node among fast ones with the mesh client's defaults, against a real Consul agent and real TCP
 * nodes on loopback: balancing by latency, ejection of a latency outlier, an attempt timeout that
 * follows the service's latency, no ejection when every node pauses at once, and hedging. Figures are
 * printed (they go to the surefire report files); timings are asserted only with generous margins.
 */
class MeshClientSlowNodeConsulTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Calls a second of each caller in the hedging comparison: three callers together, below saturation. */
    private static final int RATE = 1_500;
    private final StartedResources started = new StartedResources();
    private TestConsul consul;
    private MeshMetrics metrics;
    private MeshClient mesh;

    /** A node's handler: answers {@code read} after its delay, or, while the gate is closed, once it opens. */
    public static final class Node {
        final AtomicInteger reads = new AtomicInteger();
        final Duration delay;
        final boolean throwing;
        final AtomicReference<Sinks.Empty<Void>> pause = new AtomicReference<>();

        Node(Duration delay, boolean throwing) {
            this.delay = delay;
            this.throwing = throwing;
        }

        @MessagePattern("read")
        public Mono<String> read() {
            reads.incrementAndGet();
            if (throwing) {
                return Mono.error(new RpcException("this node is broken"));
            }
            Sinks.Empty<Void> paused = pause.get();
            Mono<String> answer = delay.isZero() ? Mono.just("news") : Mono.delay(delay).thenReturn("news");
            return paused == null ? answer : paused.asMono().then(answer);
        }

        void pause() {
            pause.set(Sinks.empty());
        }

        void resume() {
            Sinks.Empty<Void> paused = pause.getAndSet(null);
            if (paused != null) {
                paused.tryEmitEmpty();
            }
        }
    }

    @BeforeEach
    void startConsul() {
        consul = TestConsul.start();
        started.add(consul);
    }

    @AfterEach
    void stop() throws Exception {
        started.close();
    }

    /** A mesh client with the defaults, but for {@code settings}. */
    private void startMesh(Consumer<MeshClientProperties> settings) {
        MeshClientProperties properties = new MeshClientProperties();
        settings.accept(properties);
        metrics = MeshMetrics.inMemory();
        ServiceDiscovery discovery = new ServiceDiscovery(ConsulAgent.at(consul.host(), consul.httpPort()), new DiscoveryProperties());
        NodeClients clients = new NodeClients(properties.toOptions(), new PacketCodec(MAPPER));
        mesh = MeshClient.builder(discovery, clients, MAPPER, properties,
                new IdempotentPatterns(new PatternRoute(MAPPER), List.of("read")), metrics).build();
        started.add(discovery);
        started.add(clients);
        started.add(mesh);
    }

    private TestNode node(Node handlers) {
        return started.add(TestNode.start(consul, "svc", handlers));
    }

    private void awaitListed(int count) {
        mesh.prepare("svc");
        await().atMost(WAIT).until(() -> mesh.status().get("svc").listed() == count);
    }

    private NodeReport status(TestNode node) {
        return mesh.status().get("svc").nodes().stream().filter(n -> n.instanceId().equals(node.instanceId()))
                .findFirst().orElseThrow();
    }

    private double counted(String meter) {
        return counted(metrics, meter);
    }

    private static double counted(MeshMetrics metrics, String meter) {
        return metrics.registry().find(meter).counters().stream().mapToDouble(counter -> counter.count()).sum();
    }

    @Test
    void aNodeAnsweringInOneAndAHalfSecondsWithTenThousandTimesTheWeightGetsUnderOnePercentOfTheCalls() {
        startMesh(properties -> { });
        node(new Node(Duration.ZERO, false));
        node(new Node(Duration.ZERO, false));
        Node slowHandlers = new Node(Duration.ofMillis(1500), false);
        TestNode slow = started.add(TestNode.startWith(consul, "svc", "\"Weights\":{\"Passing\":10000,\"Warning\":1}",
                slowHandlers));
        awaitListed(3);

        Figures calls = load(Duration.ofSeconds(10), 16);
        int attempts = calls.calls() + (int) counted("mesh.client.retries");
        double share = 100.0 * slowHandlers.reads.get() / attempts;

        System.out.printf(Locale.ROOT, "slow node (1500 ms, Consul weight 10,000 beside two nodes of weight 1; defaults;"
                        + " 16 concurrent callers, 10 s):%n  %d calls, p50 %d ms, p99 %d ms, p99.9 %d ms, max %d ms, %d failed;"
                        + " the slow node got %d of %d attempts (%.3f%%); %d retries%n  slow node: %s (%s)%n"
                        + "  attempt timeout: %s%n",
                calls.calls(), calls.percentile(50), calls.percentile(99), calls.percentile(99.9), calls.percentile(100),
                calls.failed(), slowHandlers.reads.get(), attempts, share, (long) counted("mesh.client.retries"),
                status(slow).state(), status(slow).stateReason(), mesh.status().get("svc").attemptTimeout());

        assertThat(calls.failed()).as("failed calls").isZero();
        assertThat(share).as("the slow node's share of the attempts, percent").isLessThan(1.0);
        assertThat(calls.percentile(99)).as("p99 of the calls, ms (the goal is under 100; a generous margin on a"
                + " shared machine)").isLessThan(250);
        assertThat(status(slow).state()).isIn("ejected", "trial");
        assertThat(status(slow).stateReason()).isNotEmpty();
    }

    @Test
    void aNodeAnsweringInThreeSecondsCostsACallTensOfMillisecondsOnceTheFirstSecondsPassed() {
        startMesh(properties -> { });
        node(new Node(Duration.ZERO, false));
        node(new Node(Duration.ZERO, false));
        Node stuckHandlers = new Node(Duration.ofSeconds(3), false);
        TestNode stuck = node(stuckHandlers);
        awaitListed(3);

        Figures first = load(Duration.ofSeconds(3), 16);
        Figures after = load(Duration.ofSeconds(8), 16);

        System.out.printf(Locale.ROOT, "stuck node (3 s; defaults; 16 concurrent callers):%n"
                        + "  first 3 s: %d calls, p99 %d ms, max %d ms, %d failed%n"
                        + "  next 8 s:  %d calls, p50 %d ms, p99 %d ms, p99.9 %d ms, max %d ms, %d failed; the stuck node got %d"
                        + " attempts in all%n  stuck node: %s (%s)%n  attempt timeout: %s%n",
                first.calls(), first.percentile(99), first.percentile(100), first.failed(),
                after.calls(), after.percentile(50), after.percentile(99), after.percentile(99.9), after.percentile(100),
                after.failed(), stuckHandlers.reads.get(), status(stuck).state(), status(stuck).stateReason(),
                mesh.status().get("svc").attemptTimeout());

        assertThat(first.failed() + after.failed()).as("failed calls").isZero();
        assertThat(after.percentile(100)).as("the longest call once the first seconds passed, ms (the goal is"
                + " 250; a generous margin on a shared machine)").isLessThan(1000);
        assertThat(status(stuck).state()).isIn("ejected", "trial");
    }

    @Test
    void nodesThatAllPauseTogetherAreNotEjectedAndNoCallFails() {
        startMesh(properties -> { });
        List<Node> handlers = List.of(new Node(Duration.ZERO, false), new Node(Duration.ZERO, false),
                new Node(Duration.ZERO, false));
        handlers.forEach(this::node);
        awaitListed(3);
        load(Duration.ofSeconds(2), 16); // the attempt timeout learns the service's latency

        Thread pauses = new Thread(() -> {
            for (int i = 0; i < 3; i++) {
                sleep(Duration.ofMillis(700));
                handlers.forEach(Node::pause);
                sleep(Duration.ofMillis(400));
                handlers.forEach(Node::resume);
            }
        });
        pauses.setDaemon(true);
        pauses.start();
        Figures calls = load(Duration.ofSeconds(4), 16);

        System.out.printf(Locale.ROOT, "three nodes paused together 3 x 400 ms (defaults; 16 concurrent callers):%n"
                        + "  %d calls, p50 %d ms, p99 %d ms, max %d ms, %d failed; ejections %d; retries %d; states %s%n",
                calls.calls(), calls.percentile(50), calls.percentile(99), calls.percentile(100), calls.failed(),
                (long) counted("mesh.client.ejections"), (long) counted("mesh.client.retries"),
                mesh.status().get("svc").nodes().stream().map(n -> n.state() + (n.note() == null ? "" : " (" + n.note() + ")"))
                        .toList());

        assertThat(calls.failed()).as("failed calls").isZero();
        assertThat(counted("mesh.client.ejections")).as("ejections").isZero();
        assertThat(mesh.status().get("svc").nodes()).extracting(NodeReport::state).containsOnly("healthy");
    }

    @Test
    void aHedgedCallThatGetsNoAnswerFailsAsAnUnhedgedOneWould() {
        startMesh(properties -> {
            properties.getHedge().setEnabled(true);
            properties.getRetry().setMaxAttempts(2);
        });
        assertThat(catchThrowable(() -> mesh.send("svc", "read", null).block(WAIT)))
                .as("no node: 503 at the gateway").isInstanceOf(NoHealthyNodeException.class);

        node(new Node(Duration.ZERO, true));
        awaitListed(1);
        assertThat(catchThrowable(() -> mesh.send("svc", "read", null).block(WAIT)))
                .as("an error answer: 502 at the gateway").isInstanceOf(RemoteErrorException.class)
                .hasMessageContaining("this node is broken");
    }

    @Test
    void aHedgedCallToAStuckNodeTimesOutAsAnUnhedgedOneWould() {
        startMesh(properties -> {
            properties.getHedge().setEnabled(true);
            properties.setRequestTimeout(Duration.ofMillis(300));
        });
        node(new Node(Duration.ofSeconds(3), false));
        awaitListed(1);

        assertThat(catchThrowable(() -> mesh.send("svc", "read", null).block(WAIT)))
                .as("504 at the gateway").isInstanceOf(RequestTimeoutException.class);
    }

    @Test
    void withOneSlowNodeHedgingDoesNotRaiseTheP99() {
        node(new Node(Duration.ZERO, false));
        node(new Node(Duration.ZERO, false));
        node(new Node(Duration.ofMillis(300), false));
        // Three callers side by side against the same nodes, one hedging: the machine's load weighs on all
        // alike, and the two that do not hedge show how far two callers' p99 differ by chance alone.
        List<MeshClient> callers = new ArrayList<>();
        List<MeshMetrics> callerMetrics = new ArrayList<>();
        for (boolean hedging : new boolean[] {false, false, true}) {
            startMesh(properties -> properties.getHedge().setEnabled(hedging));
            awaitListed(3);
            callers.add(mesh);
            callerMetrics.add(metrics);
        }

        // All first learn the service's latency (the hedge delay is the attempt timeout until 20 answered),
        // then call at the same rate, open-loop: latency compared under the same load, below saturation.
        Flux.fromIterable(callers).flatMap(caller -> Mono.fromCallable(() -> CallLoad.run(caller, "svc", "read",
                Duration.ofSeconds(3), 4)).subscribeOn(Schedulers.boundedElastic())).blockLast(Duration.ofSeconds(30));
        double hedgesBefore = counted("mesh.client.hedges"); // the hedging caller's, started last
        double retriesBefore = counted("mesh.client.retries");
        List<Figures> figures = Flux.fromIterable(callers).flatMapSequential(caller -> Mono.fromCallable(() ->
                CallLoad.atRate(caller, "svc", "read", Duration.ofSeconds(8), RATE)).subscribeOn(Schedulers.boundedElastic()))
                .collectList().block(Duration.ofSeconds(90));
        Figures unhedged = figures.get(0);
        Figures control = figures.get(1);
        Figures hedged = figures.get(2);
        double hedges = counted("mesh.client.hedges") - hedgesBefore;
        double retries = counted("mesh.client.retries") - retriesBefore;

        System.out.printf(Locale.ROOT, "one slow node (300 ms) beside two fast ones, defaults, three callers side by side"
                        + " (%d calls a second each, open-loop, 8 s, after 3 s of learning the latency), one hedging:%n"
                        + "  unhedged: %s, %d retries%n  unhedged: %s, %d retries%n"
                        + "  hedged:   %s, %d retries of which %d hedges; hedge delay %s%n"
                        + "  hedged p99 against the unhedged callers': %+.2f ms from their mean; they differ by %.2f ms%n", RATE,
                describe(unhedged), (long) counted(callerMetrics.get(0), "mesh.client.retries"), describe(control),
                (long) counted(callerMetrics.get(1), "mesh.client.retries"), describe(hedged), (long) retries, (long) hedges,
                callers.get(2).status().get("svc").hedgeDelay(),
                (hedged.percentileMicros(99) - (unhedged.percentileMicros(99) + control.percentileMicros(99)) / 2.0) / 1e3,
                Math.abs(unhedged.percentileMicros(99) - control.percentileMicros(99)) / 1e3);

        assertThat(hedged.failed()).as("failed hedged calls").isZero();
        assertThat(hedged.percentile(99)).as("hedged p99, ms, against the higher unhedged p99 (a generous margin on a"
                + " shared machine)").isLessThanOrEqualTo(Math.max(unhedged.percentile(99), control.percentile(99)) + 50);
        // the budget: 10 a second over ten seconds plus a fifth of the calls
        assertThat(retries).as("retries and hedges within the budget").isLessThanOrEqualTo(100 + 0.2 * hedged.calls() + 1);
    }

    private static String describe(Figures figures) {
        return String.format(Locale.ROOT, "%d calls, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms, %d failed",
                figures.calls(), figures.percentileMicros(50) / 1e3, figures.percentileMicros(99) / 1e3,
                figures.percentileMicros(99.9) / 1e3, figures.percentileMicros(100) / 1e3, figures.failed());
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Calls made by {@code callers} concurrent loops for {@code duration}; each call's time. */
    private Figures load(Duration duration, int callers) {
        return CallLoad.run(mesh, "svc", "read", duration, callers);
    }
}
