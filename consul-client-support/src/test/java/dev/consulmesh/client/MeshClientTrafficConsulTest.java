package dev.consulmesh.client;

import dev.consulmesh.balancing.BalancingStrategy;
import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.discovery.DiscoveryProperties;
import dev.consulmesh.discovery.ServiceDiscovery;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.retry.IdempotentPatterns;
import dev.consulmesh.testsupport.TestConsul;
import dev.consulmesh.testsupport.TestNode;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The traffic rules against a real Consul agent and real TCP nodes: Consul's weights (registered by
 * hand, as a Nest service or anyone would), slow start, canary by metadata and by header, zone
 * preference with spill-over and return, and hedged calls. Each test prints its figures (they go to
 * the surefire report files).
 */
class MeshClientTrafficConsulTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(15);
    private final List<AutoCloseable> started = new ArrayList<>();
    private TestConsul consul;
    private MeshClient mesh;

    /** A node's handler: counts its calls; answers at once, or after a delay while slow. */
    public static final class Node {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicBoolean slow = new AtomicBoolean();
        final Duration slowness;

        Node(Duration slowness) {
            this.slowness = slowness;
        }

        @MessagePattern("read")
        public Mono<String> read() {
            calls.incrementAndGet();
            return slow.get() ? Mono.delay(slowness).thenReturn("slow") : Mono.just("ok");
        }
    }

    @BeforeEach
    void startConsul() {
        consul = TestConsul.start();
        started.add(consul);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (RuntimeException ignored) {
                // closed already
            }
        }
    }

    private void startMesh(Consumer<MeshClientProperties> settings) {
        MeshClientProperties properties = new MeshClientProperties();
        settings.accept(properties);
        ServiceDiscovery discovery = new ServiceDiscovery(ConsulAgent.at(consul.host(), consul.httpPort()), new DiscoveryProperties());
        NodeClients clients = new NodeClients(properties.toOptions(), new PacketCodec(MAPPER));
        mesh = new MeshClient(discovery, clients, MAPPER, properties,
                new IdempotentPatterns(new PatternRoute(MAPPER), List.of("read")), MeshMetrics.inMemory());
        started.add(discovery);
        started.add(clients);
        started.add(mesh);
    }

    private TestNode node(Node handler, String registration) {
        TestNode node = TestNode.startWith(consul, "svc", registration, handler);
        started.add(node);
        return node;
    }

    private void awaitUsable(int count) {
        mesh.prepare("svc");
        await().atMost(WAIT).until(() -> mesh.status().get("svc").usable() == count);
    }

    private void call(int times) {
        for (int i = 0; i < times; i++) {
            mesh.send("svc", "read", null, String.class).block(Duration.ofSeconds(5));
        }
    }

    private static int[] counts(Node... nodes) {
        return Arrays.stream(nodes).mapToInt(node -> node.calls.getAndSet(0)).toArray();
    }

    @Test
    void consulWeightsDecideEachNodesShareWithEveryBalancer() {
        Node heavy = new Node(Duration.ZERO);
        Node light = new Node(Duration.ZERO);
        Node warning = new Node(Duration.ZERO);
        Node absurd = new Node(Duration.ZERO);
        node(heavy, "\"Weights\":{\"Passing\":3,\"Warning\":1}");
        node(light, "");
        // In warning (a second check that warns): it takes its warning weight, 2, not its passing weight.
        node(warning, "\"Weights\":{\"Passing\":5,\"Warning\":2},\"Checks\":[{\"Name\":\"load\",\"TTL\":\"10m\",\"Status\":\"warning\"}]");
        // A weight no one means: Consul's defaults instead (and a warning in the log, once).
        node(absurd, "\"Weights\":{\"Passing\":60000,\"Warning\":1}");
        for (BalancingStrategy strategy : BalancingStrategy.values()) {
            startMesh(properties -> properties.setStrategy(strategy));
            awaitUsable(4);
            call(2100);
            int[] shares = counts(heavy, light, warning, absurd);
            System.out.printf("weights 3 / 1 / warning 2 / absurd→1 with %s: calls %s (expected 900 / 300 / 600 / 300 of 2100)%n",
                    strategy, Arrays.toString(shares));
            assertThat(shares[0]).as("weight 3 with %s", strategy).isBetween(750, 1050);
            assertThat(shares[1]).as("weight 1 with %s", strategy).isBetween(200, 400);
            assertThat(shares[2]).as("warning weight 2 with %s", strategy).isBetween(450, 750);
            assertThat(shares[3]).as("absurd weight read as 1 with %s", strategy).isBetween(200, 400);
            NodeReport report = mesh.status().get("svc").nodes().stream().filter(n -> n.weight() == 2).findFirst().orElseThrow();
            assertThat(report.consul()).isEqualTo("warning");
            mesh.close();
        }
    }

    @Test
    void withoutConsulWeightsEveryPassingNodeTakesTheSameShareAndWarningOnesNone() {
        Node heavy = new Node(Duration.ZERO);
        Node light = new Node(Duration.ZERO);
        Node warning = new Node(Duration.ZERO);
        node(heavy, "\"Weights\":{\"Passing\":3,\"Warning\":1}");
        node(light, "");
        node(warning, "\"Checks\":[{\"Name\":\"load\",\"TTL\":\"10m\",\"Status\":\"warning\"}]");
        startMesh(properties -> properties.setConsulWeights(false));
        awaitUsable(2);
        call(400);
        assertThat(counts(heavy, light, warning)).containsExactly(200, 200, 0);
    }

    @Test
    void badTrafficSettingsFailAtStartNamingTheProperty() {
        assertThatThrownBy(() -> startMesh(p -> p.getCanary().setPercent(140.0)))
                .hasMessageContaining("mesh.client.canary.percent");
        assertThatThrownBy(() -> startMesh(p -> {
            ServiceClientProperties own = new ServiceClientProperties();
            own.getZonePreference().setThreshold(-5.0);
            p.getServices().put("svc", own);
        })).hasMessageContaining("mesh.client.services.svc.zone-preference.threshold");
        assertThatThrownBy(() -> startMesh(p -> p.setFailoverDatacenters(List.of("nowhere"))))
                .hasMessageContaining("mesh.client.failover-datacenters").hasMessageContaining("nowhere");
        assertThatThrownBy(() -> startMesh(p -> p.getSlowStart().setAggression(0.0)))
                .hasMessageContaining("mesh.client.slow-start.aggression");
    }
}
