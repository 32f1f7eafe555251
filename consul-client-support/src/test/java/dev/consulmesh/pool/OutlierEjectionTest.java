package dev.consulmesh.pool;

import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.client.NodeClients;
import dev.consulmesh.discovery.HealthyNodes;
import dev.consulmesh.discovery.ServiceNode;
import dev.consulmesh.failure.CallFailure;
import dev.consulmesh.failure.FailureKind;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.testsupport.FreePorts;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.server.HandlerRegistry;
import dev.consulmesh.transport.server.TcpServer;
import dev.consulmesh.transport.server.TcpServerProperties;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The outlier rules of a service pool: failures that stand out from the peers' eject, shared ones do not. */
class OutlierEjectionTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final CallFailure BOOM = new CallFailure(FailureKind.REMOTE_ERROR, CallFailure.Blame.ANSWER, "boom");
    private static final CallFailure UNUSABLE = new CallFailure(FailureKind.UNUSABLE_ANSWER, CallFailure.Blame.ANSWER, "an object");
    private static final CallFailure TIMEOUT = new CallFailure(FailureKind.TIMED_OUT, CallFailure.Blame.SLOWNESS, "500 ms");
    private final NodeClients clients = new NodeClients(TcpClientOptions.defaults(), new PacketCodec(MAPPER));
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<TcpServer> servers = new ArrayList<>();
    private ServicePool pool;

    @AfterEach
    void close() {
        servers.forEach(TcpServer::stop);
        if (pool != null) {
            pool.close();
        }
        scheduler.shutdownNow();
        clients.close();
    }

    private ServicePool pool(int maxEjectionPercent, int... ports) {
        return pool(maxEjectionPercent, Duration.ZERO, ports);
    }

    private ServicePool pool(int maxEjectionPercent, Duration latencyGrace, int... ports) {
        OutlierSettings outliers = new OutlierSettings(5, 50, 30, 10, Duration.ofSeconds(10), maxEjectionPercent, 3,
                OutlierSettings.DEFAULT_LATENCY_FACTOR, OutlierSettings.DEFAULT_LATENCY_MIN_DIFFERENCE, latencyGrace);
        EjectionSettings settings = new EjectionSettings(3, Duration.ofMillis(100), Duration.ofMillis(300), 0.25, 0,
                Duration.ofMillis(500), outliers);
        pool = new ServicePool("svc", clients::open, clients.probe(settings.probeTimeout()), settings, scheduler,
                MeshMetrics.inMemory());
        pool.update(new HealthyNodes("svc", Arrays.stream(ports).mapToObj(OutlierEjectionTest::node).toList(), 1, Instant.now()));
        return pool;
    }

    private static ServiceNode node(int port) {
        return new ServiceNode("svc-127.0.0.1-" + port, "svc", "127.0.0.1", port, Map.of());
    }

    private PooledNode byPort(int port) {
        return pool.nodes().stream().filter(node -> node.node().port() == port).findFirst().orElseThrow();
    }

    @Test
    void aNodeThatFailsInARowWhileItsPeerAnswersIsEjectedNamingTheFigures() {
        pool(10, 1, 2);
        PooledNode bad = byPort(1);
        PooledNode good = byPort(2);
        for (int i = 0; i < 4; i++) {
            pool.succeeded(good);
            pool.failed(bad, i % 2 == 0 ? BOOM : UNUSABLE);
        }
        assertThat(bad.state()).isEqualTo(NodeState.HEALTHY);

        pool.failed(bad, BOOM);

        assertThat(bad.state()).isEqualTo(NodeState.EJECTED);
        assertThat(bad.stateReason()).isEqualTo("5 failures in a row, the latest remote error: boom"
                + " (100% of its 5 calls in the last 10 s failed, 0% of the other nodes' 4)");
    }

    @Test
    void anErrorEveryNodeGivesEjectsNone() {
        pool(100, 1, 2, 3);
        for (int i = 0; i < 30; i++) {
            for (int port = 1; port <= 3; port++) {
                pool.failed(byPort(port), BOOM);
            }
        }
        assertThat(pool.nodes()).extracting(PooledNode::state).containsOnly(NodeState.HEALTHY);
    }

    @Test
    void aFailureShareFarAboveThePeersEjectsEvenWithoutAStreak() {
        pool(10, 1, 2);
        PooledNode flaky = byPort(1);
        PooledNode good = byPort(2);
        for (int i = 0; i < 12 && flaky.state() == NodeState.HEALTHY; i++) {
            pool.succeeded(good);
            if (i % 3 == 0) {
                pool.succeeded(flaky);
            } else {
                pool.failed(flaky, BOOM);
            }
        }
        assertThat(flaky.state()).isEqualTo(NodeState.EJECTED);
        assertThat(flaky.stateReason()).isEqualTo("a failure share far above the other nodes' (64% of its 11 calls in the last 10 s failed, 0% of the other nodes' 11)");
    }

    @Test
    void noMoreNodesThanMaxEjectionPercentAllowButAlwaysOne() {
        pool(10, 1, 2, 3);
        for (int i = 0; i < 5; i++) {
            pool.succeeded(byPort(3));
            pool.failed(byPort(1), BOOM);
            pool.failed(byPort(2), BOOM);
        }
        assertThat(List.of(byPort(1).state(), byPort(2).state()))
                .as("10% of 3 nodes rounds down, yet one may go").containsExactlyInAnyOrder(NodeState.EJECTED, NodeState.HEALTHY);
        assertThat(OutlierSettings.defaults().maxEjected(20)).isEqualTo(2);
    }

    @Test
    void aNodeEjectedForTimeoutsComesBackOnTrialAndLeavesAgainAtItsFirstTimeout() {
        int[] ports = FreePorts.next(2);
        pool(10, ports);
        listenOn(ports[0]);
        PooledNode slow = byPort(ports[0]);
        pool.failed(slow, TIMEOUT);
        pool.succeeded(byPort(ports[1])); // its peer answers meanwhile: the timeouts are this node's own
        for (int i = 0; i < 2; i++) {
            pool.failed(slow, TIMEOUT);
        }
        assertThat(slow.state()).isEqualTo(NodeState.EJECTED);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(slow.state()).isEqualTo(NodeState.TRIAL));
        assertThat(slow.stateReason()).isEqualTo("answered a probe; on trial after 3 request timeouts in a row (500 ms each)"
                + " while the other nodes answered");
        slow.begin();
        assertThat(pool.candidates(List.of())).as("on trial, one call at a time at first").doesNotContain(slow);
        slow.end();

        pool.failed(slow, TIMEOUT);
        assertThat(slow.state()).as("a timeout on trial ejects it again").isEqualTo(NodeState.EJECTED);
        assertThat(slow.stateReason()).isEqualTo("a failed call on trial: 500 ms");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(slow.state()).isEqualTo(NodeState.TRIAL));
        for (int i = 0; i < 3; i++) {
            pool.succeeded(slow);
        }
        assertThat(slow.state()).as("three calls answered on trial").isEqualTo(NodeState.HEALTHY);
    }

    @Test
    void timeoutsInARowThatThePeersShareEjectNone() {
        pool(100, 1, 2, 3);
        // every node times out together (a pause of the caller, or of all nodes), then they answer again
        for (int i = 0; i < 5; i++) {
            for (int port = 1; port <= 3; port++) {
                pool.failed(byPort(port), TIMEOUT);
            }
        }
        for (int port = 1; port <= 3; port++) {
            pool.succeeded(byPort(port));
        }
        assertThat(pool.nodes()).extracting(PooledNode::state).containsOnly(NodeState.HEALTHY);
        assertThat(byPort(1).note().text()).startsWith("kept in rotation after ")
                .contains(" request timeouts in a row: the other nodes timed out too");
    }

    @Test
    void aNodeWhoseMedianLatencyStandsOutFromItsPeersIsEjectedNamingTheFigures() {
        pool(10, 1, 2, 3);
        PooledNode slow = byPort(1);
        for (int i = 0; i < 20; i++) {
            answerIn(byPort(2), Duration.ofMillis(1));
            answerIn(byPort(3), Duration.ofMillis(1));
        }
        for (int i = 0; i < 9; i++) {
            answerIn(slow, Duration.ofMillis(300));
            slow.latencyCheckedNanos = PooledNode.LONG_AGO; // compare at every call here, not at most every 100 ms
        }
        assertThat(slow.state()).as("fewer than minimum-requests calls: not judged yet").isEqualTo(NodeState.HEALTHY);

        answerIn(slow, Duration.ofMillis(300));

        assertThat(slow.state()).isEqualTo(NodeState.EJECTED);
        assertThat(slow.stateReason()).startsWith("a median latency of ").contains("over its 10 calls in the last 10 s")
                .contains("the other nodes' 1.").contains("over their 40 (latency-factor 5.0)");
    }

    @Test
    void aNodeNewInRotationIsNotJudgedOnItsLatencyDuringItsGraceButIsAfterIt() throws InterruptedException {
        Duration grace = Duration.ofMillis(400);
        pool(10, grace, 1, 2, 3);
        PooledNode cold = byPort(1);
        for (int i = 0; i < 20; i++) {
            answerIn(byPort(2), Duration.ofMillis(1));
            answerIn(byPort(3), Duration.ofMillis(1));
            answerIn(cold, Duration.ofMillis(300));
            cold.latencyCheckedNanos = PooledNode.LONG_AGO;
        }
        assertThat(cold.state()).as("slow calls within its first %d ms in rotation", grace.toMillis())
                .isEqualTo(NodeState.HEALTHY);

        Thread.sleep(grace.toMillis());
        answerIn(cold, Duration.ofMillis(300));

        assertThat(cold.state()).as("as slow once its grace is over").isEqualTo(NodeState.EJECTED);
        assertThat(cold.stateReason()).startsWith("a median latency of ");
    }

    @Test
    void nodesEquallySlowEjectNoneAndTheCapHoldsForLatencyToo() {
        pool(10, 1, 2, 3, 4, 5);
        for (int i = 0; i < 20; i++) {
            for (int port = 1; port <= 5; port++) {
                answerIn(byPort(port), Duration.ofMillis(300));
                byPort(port).latencyCheckedNanos = PooledNode.LONG_AGO;
            }
        }
        assertThat(pool.nodes()).as("all equally slow").extracting(PooledNode::state).containsOnly(NodeState.HEALTHY);

        for (int i = 0; i < 60; i++) {
            for (int port = 3; port <= 5; port++) {
                answerIn(byPort(port), Duration.ofMillis(1));
            }
            for (int port = 1; port <= 2; port++) {
                answerIn(byPort(port), Duration.ofMillis(300));
                byPort(port).latencyCheckedNanos = PooledNode.LONG_AGO;
            }
        }
        // both slow nodes stand out from the others together, yet 10% of 5 allows one out
        assertThat(List.of(byPort(1).state(), byPort(2).state())).containsExactlyInAnyOrder(NodeState.EJECTED,
                NodeState.HEALTHY);
        PooledNode kept = byPort(1).state() == NodeState.HEALTHY ? byPort(1) : byPort(2);
        assertThat(kept.note().text()).startsWith("kept in rotation although an outlier (a median latency of")
                .endsWith("1 of 5 node(s) are out already (max-ejection-percent)");
    }

    /** A call on the node that took {@code took} and was answered. */
    private void answerIn(PooledNode node, Duration took) {
        long started = node.begin() - took.toNanos();
        pool.ended(node, started);
        pool.succeeded(node);
    }

    private void listenOn(int port) {
        TcpServerProperties properties = new TcpServerProperties();
        properties.setHost("127.0.0.1");
        properties.setPort(port);
        properties.setShutdownTimeout(Duration.ofMillis(200));
        TcpServer server = new TcpServer(properties, new HandlerRegistry(new PatternRoute(MAPPER)), new PacketCodec(MAPPER));
        server.start();
        servers.add(server);
    }
}
