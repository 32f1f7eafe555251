package dev.consulmesh.pool;

import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.client.NodeClients;
import dev.consulmesh.discovery.HealthyNodes;
import dev.consulmesh.discovery.ServiceWeights;
import dev.consulmesh.discovery.ServiceNode;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.testsupport.FreePorts;
import dev.consulmesh.transport.client.ConnectionClosedException;
import dev.consulmesh.transport.client.NodeUnreachableException;
import dev.consulmesh.transport.client.RemoteErrorException;
import dev.consulmesh.transport.client.RequestTimeoutException;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.client.UnreachableReason;
import dev.consulmesh.transport.server.HandlerRegistry;
import dev.consulmesh.transport.server.TcpServer;
import dev.consulmesh.transport.server.TcpServerProperties;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ServicePoolTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final NodeClients clients = new NodeClients(TcpClientOptions.defaults(), new PacketCodec(MAPPER));
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final MeshMetrics metrics = MeshMetrics.inMemory();
    private ServicePool pool;
    private TcpServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.stop();
        }
        if (pool != null) {
            pool.close();
        }
        scheduler.shutdownNow();
        clients.close();
    }

    private ServicePool pool(int panicThresholdPercent) {
        EjectionSettings settings = new EjectionSettings(3, Duration.ofMillis(100), Duration.ofMillis(300), 0.25,
                panicThresholdPercent, Duration.ofMillis(500));
        pool = new ServicePool("svc", clients::open, clients.probe(settings.probeTimeout()), settings, scheduler, metrics);
        return pool;
    }

    private static ServiceNode node(int port) {
        return new ServiceNode("svc-127.0.0.1-" + port, "svc", "127.0.0.1", port, Map.of());
    }

    private static HealthyNodes set(int... ports) {
        return new HealthyNodes("svc", Arrays.stream(ports).mapToObj(ServicePoolTest::node).toList(), 1, Instant.now());
    }

    private static PooledNode byPort(ServicePool pool, int port) {
        return pool.nodes().stream().filter(node -> node.node().port() == port).findFirst().orElseThrow();
    }

    private static NodeUnreachableException refused(int port) {
        return new NodeUnreachableException("127.0.0.1:" + port, UnreachableReason.REFUSED, "connection refused", null);
    }

    private void listenOn(int port) {
        TcpServerProperties properties = new TcpServerProperties();
        properties.setHost("127.0.0.1");
        properties.setPort(port);
        properties.setShutdownTimeout(Duration.ofMillis(200));
        server = new TcpServer(properties, new HandlerRegistry(new PatternRoute(MAPPER)), new PacketCodec(MAPPER));
        server.start();
    }

    @Test
    void aRefusingNodeIsEjectedAtOnceDiagnosedAndBackInRotationOnceAProbeAnswers() {
        int[] ports = FreePorts.next(2);
        ServicePool pool = pool(0);
        pool.update(set(ports[0], ports[1]));
        PooledNode refusing = byPort(pool, ports[0]);

        pool.failed(refusing, refused(ports[0]));

        assertThat(refusing.state()).isEqualTo(NodeState.EJECTED);
        assertThat(refusing.stateReason()).isEqualTo("a refused connection");
        assertThat(pool.candidates(List.of())).extracting(PooledNode::node).containsExactly(node(ports[1]));
        assertThat(metrics.registry().get("mesh.client.ejections").tag("node", refusing.node().instanceId()).counter().count())
                .isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(refusing.diagnosis()).isNotNull());
        assertThat(refusing.diagnosis().text())
                .startsWith("Consul reports passing but 127.0.0.1:" + ports[0] + " refuses connections");

        listenOn(ports[0]);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(refusing.state()).isEqualTo(NodeState.HEALTHY));
        assertThat(refusing.diagnosis().text()).startsWith("reachable: 127.0.0.1:" + ports[0] + " answered in");
        assertThat(pool.candidates(List.of())).hasSize(2);
    }

    @Test
    void aHedgeIsWorthSendingOnlyWhileAnotherNodeAnswersCallsBegunAfterTheFirstAttempt() {
        ServicePool pool = pool(0);
        pool.update(set(1, 2, 3));
        PooledNode first = byPort(pool, 1);
        PooledNode other = byPort(pool, 2);
        PooledNode third = byPort(pool, 3);
        long firstBegan = first.begin();
        List<PooledNode> tried = List.of(first);

        assertThat(pool.othersKeepUpSince(tried, firstBegan)).as("nobody asked since: nothing tells").isTrue();

        long otherBegan = other.begin();
        assertThat(pool.othersKeepUpSince(tried, firstBegan))
                .as("the others asked since and silent: the whole service is late, not the first node").isFalse();

        pool.succeeded(other, otherBegan);
        assertThat(pool.othersKeepUpSince(tried, firstBegan)).as("another node answered a later call").isTrue();
        assertThat(pool.othersKeepUpSince(List.of(first, other), firstBegan))
                .as("only the nodes the call has not tried count: the third was not asked").isTrue();

        long thirdBegan = third.begin();
        assertThat(pool.othersKeepUpSince(List.of(first, other), firstBegan)).isFalse();
        pool.succeeded(third, firstBegan - 1);
        assertThat(pool.othersKeepUpSince(List.of(first, other), firstBegan))
                .as("an answer to a call begun before the first attempt tells nothing").isFalse();
        pool.succeeded(third, thirdBegan);
        assertThat(pool.othersKeepUpSince(List.of(first, other), firstBegan)).isTrue();
    }

    @Test
    void timeoutsEjectOnlyWhenTheyComeSeveralInARow() {
        ServicePool pool = pool(0);
        pool.update(set(1, 2));
        PooledNode slow = byPort(pool, 1);
        RequestTimeoutException timeout = new RequestTimeoutException("127.0.0.1:1", "p", Duration.ofSeconds(1));

        pool.failed(slow, timeout);
        pool.failed(slow, timeout);
        pool.succeeded(slow);
        pool.failed(slow, timeout);
        pool.failed(slow, timeout);
        assertThat(slow.state()).as("an answer in between starts the count again").isEqualTo(NodeState.HEALTHY);

        pool.failed(slow, new RemoteErrorException("127.0.0.1:1", MAPPER.getNodeFactory().stringNode("bad input"), false));
        pool.failed(slow, timeout);
        pool.failed(slow, timeout);
        assertThat(slow.state()).as("an error answer is an answer too").isEqualTo(NodeState.HEALTHY);
        pool.failed(slow, timeout);
        assertThat(slow.state()).as("its peer has not answered meanwhile: a pause they may share").isEqualTo(NodeState.HEALTHY);
        pool.succeeded(byPort(pool, 2));
        pool.failed(slow, timeout);
        assertThat(slow.state()).isEqualTo(NodeState.EJECTED);
        assertThat(slow.stateReason()).isEqualTo("4 request timeouts in a row (1000 ms each) while the other nodes answered");
        assertThat(slow.failures()).isEqualTo(9);
    }

    @Test
    void whenNoNodeIsLeftCallsGoToTheLeastBadOfAllInsteadOfFailing() {
        ServicePool pool = pool(0);
        pool.update(set(1, 2, 3));
        byPort(pool, 1).failed(); // one more failure in a row than the others
        for (int port : new int[] {1, 2, 3}) {
            pool.failed(byPort(pool, port), new ConnectionClosedException("127.0.0.1:" + port));
        }
        assertThat(pool.usable()).isZero();

        List<PooledNode> candidates = pool.candidates(List.of());

        assertThat(pool.inPanic()).isTrue();
        assertThat(candidates).extracting(candidate -> candidate.node().port()).containsExactlyInAnyOrder(2, 3);
        assertThat(pool.candidates(List.of(byPort(pool, 2)))).extracting(candidate -> candidate.node().port())
                .as("a call that tried node 2 goes on with the next least-bad").containsExactly(3);
    }

    @Test
    void aPanicThresholdStartsPanicModeBeforeTheLastNodeIsGone() {
        ServicePool pool = pool(50);
        pool.update(set(1, 2, 3));
        pool.failed(byPort(pool, 1), refused(1));
        assertThat(pool.candidates(List.of())).hasSize(2);
        assertThat(pool.inPanic()).isFalse();

        pool.failed(byPort(pool, 2), refused(2));

        assertThat(pool.candidates(List.of())).hasSize(3);
        assertThat(pool.inPanic()).as("1 of 3 in rotation is below 50%").isTrue();
    }

    @Test
    void aNodeThatLeftConsulsSetDrainsAndItsClientClosesOnceIdle() {
        ServicePool pool = pool(0);
        pool.update(set(1, 2));
        PooledNode leaving = byPort(pool, 2);

        pool.update(set(1));

        assertThat(leaving.state()).isEqualTo(NodeState.DRAINING);
        assertThat(leaving.client().isClosed()).isTrue();
        assertThat(pool.candidates(List.of())).extracting(PooledNode::node).containsExactly(node(1));
        assertThat(pool.nodes()).as("an idle, closed client is gone at once").extracting(PooledNode::node)
                .containsExactly(node(1));
    }

    @Test
    void newTagsOfANodeInConsulReachItsPooledNodeWhichKeepsItsConnection() {
        ServicePool pool = pool(0);
        pool.update(set(1, 2));
        PooledNode before = byPort(pool, 2);
        ServiceNode retagged = new ServiceNode(node(2).instanceId(), "svc", "127.0.0.1", 2, Map.of(), List.of("canary"),
                "dc1", Map.of("zone", "b"), new ServiceWeights(3, 1));

        pool.update(new HealthyNodes("svc", List.of(node(1), retagged), 2, Instant.now()));

        PooledNode after = byPort(pool, 2);
        assertThat(after).isSameAs(before);
        assertThat(after.client().isClosed()).isFalse();
        assertThat(after.node().tags()).containsExactly("canary");
        assertThat(after.node().nodeMeta()).containsEntry("zone", "b");
        assertThat(after.node().weights()).isEqualTo(new ServiceWeights(3, 1));
        assertThat(after.state()).isEqualTo(NodeState.HEALTHY);
    }

    @Test
    void aClientClosedOnThisSideDoesNotEjectTheNode() {
        ServicePool pool = pool(0);
        pool.update(set(1));
        PooledNode node = byPort(pool, 1);
        pool.failed(node, new NodeUnreachableException("127.0.0.1:1", UnreachableReason.CLIENT_CLOSED, "the client is closed", null));
        assertThat(node.state()).isEqualTo(NodeState.HEALTHY);
    }
}
