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
        mesh = MeshClient.builder(discovery, clients, MAPPER, properties,
                new IdempotentPatterns(new PatternRoute(MAPPER), List.of("read")), MeshMetrics.inMemory()).build();
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
        // Round robin: one call at a time, peak-EWMA (the default) sends each to the node that answered
        // faster so far; the exact shares asserted here are the weights', under a balancer that follows them exactly.
        startMesh(properties -> {
            properties.setConsulWeights(false);
            properties.setStrategy(BalancingStrategy.ROUND_ROBIN);
        });
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

    @Test
    void aNodeEnteringRotationTakesAShareThatGrowsOverTheSlowStartWindow() throws Exception {
        Node first = new Node(Duration.ZERO);
        secondNode = new Node(Duration.ZERO);
        node(first, "");
        node(secondNode, "");
        Duration window = Duration.ofSeconds(6);
        startMesh(properties -> {
            properties.getSlowStart().setEnabled(true);
            properties.getSlowStart().setWindow(window);
            // one call at a time: round robin follows the ramp's weights exactly (see withoutConsulWeights...)
            properties.setStrategy(BalancingStrategy.ROUND_ROBIN);
        });
        awaitUsable(2);
        Node fresh = new Node(Duration.ZERO);
        node(fresh, "");
        awaitUsable(3);
        long joined = System.nanoTime();
        counts(first, secondNode, fresh);
        System.out.println("slow start over " + window.toSeconds() + " s (linear, min 10 %): the new node's share of calls, second by second");
        System.out.println("second  share  expected (w / (2 + w), w = max(0.1, t / window))");
        List<Double> shares = new ArrayList<>();
        for (int second = 1; second <= 8; second++) {
            long end = joined + Duration.ofSeconds(second).toNanos();
            while (System.nanoTime() < end) {
                call(20);
            }
            int[] c = counts(first, secondNode, fresh);
            double share = c[2] * 1.0 / (c[0] + c[1] + c[2]);
            double mid = Math.min(1.0, Math.max(0.1, (second - 0.5) / window.toSeconds()));
            System.out.printf("%6d  %5.1f %%  %5.1f %%%n", second, share * 100, mid / (2 + mid) * 100);
            shares.add(share);
        }
        assertThat(shares.get(0)).as("first second").isLessThan(0.12);
        assertThat(shares.get(2)).as("third second").isBetween(shares.get(0), 0.30);
        assertThat(shares.get(7)).as("after the window").isBetween(0.28, 0.39);
    }

    private Node secondNode;

    @Test
    void aCanaryTakesItsShareOrTheCallsThatCarryTheHeaderAndTheRestTakeTheRest() {
        Node stable1 = new Node(Duration.ZERO);
        Node stable2 = new Node(Duration.ZERO);
        Node canary = new Node(Duration.ZERO);
        node(stable1, "\"Meta\":{\"version\":\"1\"}");
        node(stable2, "\"Meta\":{\"version\":\"1\"}");
        TestNode canaryNode = node(canary, "\"Meta\":{\"version\":\"2\"}");
        startMesh(properties -> {
            ServiceClientProperties own = new ServiceClientProperties();
            own.getCanary().setMeta("version=2");
            own.getCanary().setPercent(10.0);
            own.getCanary().setHeader("X-Canary");
            properties.getServices().put("svc", own);
        });
        awaitUsable(3);
        call(2000);
        int[] shares = counts(stable1, stable2, canary);
        System.out.printf("canary version=2 at 10 %%: calls %s of 2000 (canary %.1f %%)%n", Arrays.toString(shares),
                shares[2] / 20.0);
        assertThat(shares[2]).isBetween(130, 270);
        for (int i = 0; i < 200; i++) {
            mesh.send("svc", "read", null, String.class)
                    .contextWrite(CallHeaders.from(name -> name.equalsIgnoreCase("x-canary") ? "yes" : null))
                    .block(Duration.ofSeconds(5));
        }
        int[] withHeader = counts(stable1, stable2, canary);
        System.out.println("calls carrying X-Canary: " + Arrays.toString(withHeader));
        assertThat(withHeader).containsExactly(0, 0, 200);
        assertThat(mesh.status().get("svc").nodes()).filteredOn(n -> Boolean.TRUE.equals(n.canary())).hasSize(1);

        canaryNode.close();
        awaitUsable(2);
        for (int i = 0; i < 100; i++) {
            mesh.send("svc", "read", null, String.class)
                    .contextWrite(CallHeaders.from(name -> name.equalsIgnoreCase("x-canary") ? "yes" : null))
                    .block(Duration.ofSeconds(5));
        }
        int[] noCanary = counts(stable1, stable2, canary);
        System.out.println("calls carrying X-Canary with no canary instance left: " + Arrays.toString(noCanary));
        assertThat(noCanary[0] + noCanary[1]).isEqualTo(100);
    }

    @Test
    void callsStayInTheCallersZoneSpillOverWhenTooFewAreUsableThereAndComeBack() {
        Node a1 = new Node(Duration.ofSeconds(1));
        Node a2 = new Node(Duration.ofSeconds(1));
        Node b1 = new Node(Duration.ofSeconds(1));
        Node b2 = new Node(Duration.ofSeconds(1));
        node(a1, "\"Meta\":{\"zone\":\"a\"}");
        node(a2, "\"Meta\":{\"zone\":\"a\"}");
        node(b1, "\"Meta\":{\"zone\":\"b\"}");
        node(b2, "\"Meta\":{\"zone\":\"b\"}");
        startMesh(properties -> {
            properties.setZone("a");
            properties.getZonePreference().setThreshold(60.0);
            // round robin keeps sending the slow node its turns until its timeouts eject it; peak-EWMA (the
            // default) avoids it instead, and the spill-over to zone b this test is about would not start
            properties.setStrategy(BalancingStrategy.ROUND_ROBIN);
            properties.setAttemptTimeout(Duration.ofMillis(200));
            properties.getEjection().setBaseTime(Duration.ofMillis(500));
            properties.getEjection().setTrialCalls(1);
        });
        awaitUsable(4);
        call(400);
        int[] inZone = counts(a1, a2, b1, b2);
        System.out.println("zone a, all usable: calls " + Arrays.toString(inZone));
        assertThat(inZone[2] + inZone[3]).isZero();

        a1.slow.set(true); // its calls time out: ejected, 1 of 2 usable in zone a, below 60 %
        long spillStart = System.nanoTime();
        await().atMost(WAIT).until(() -> {
            call(10);
            return mesh.status().get("svc").usable() == 3;
        });
        counts(a1, a2, b1, b2);
        call(300);
        int[] spilled = counts(a1, a2, b1, b2);
        System.out.printf("zone a at 1 of 2 usable (threshold 60 %%), spilled after %d ms: calls %s%n",
                Duration.ofNanos(System.nanoTime() - spillStart).toMillis(), Arrays.toString(spilled));
        assertThat(spilled[2] + spilled[3]).isGreaterThan(100);

        a1.slow.set(false);
        long backStart = System.nanoTime();
        await().atMost(WAIT).until(() -> {
            call(10);
            return mesh.status().get("svc").usable() == 4;
        });
        counts(a1, a2, b1, b2);
        call(300);
        int[] back = counts(a1, a2, b1, b2);
        System.out.printf("zone a usable again after %d ms: calls %s%n",
                Duration.ofNanos(System.nanoTime() - backStart).toMillis(), Arrays.toString(back));
        assertThat(back[2] + back[3]).isZero();
        NodeReport report = mesh.status().get("svc").nodes().get(0);
        assertThat(report.zone()).isIn("a", "b");
    }

    @Test
    void hedgingCutsTheTailWhenOneOfTwoNodesIsSlow() {
        Node fast = new Node(Duration.ZERO);
        Node slow = new Node(Duration.ofMillis(150));
        slow.slow.set(true);
        node(fast, "");
        node(slow, "");
        long[] p99 = new long[2];
        int[] slowCalls = new int[2];
        for (int hedged = 0; hedged < 2; hedged++) {
            boolean hedge = hedged == 1;
            startMesh(properties -> {
                properties.setAttemptTimeout(Duration.ofSeconds(1));
                properties.getEjection().setConsecutiveFailures(1000);
                // Hedging alone, measured against a caller that does not avoid the slow node otherwise: the
                // defaults (peak-EWMA, ejection for latency, an adaptive attempt timeout) would leave the
                // unhedged calls nothing slow to show (MeshClientSlowNodeConsulTest measures them).
                properties.setStrategy(BalancingStrategy.ROUND_ROBIN);
                properties.getEjection().setLatencyFactor(0);
                properties.getAdaptiveAttemptTimeout().setEnabled(false);
                properties.getHedge().setEnabled(hedge);
                properties.getHedge().setDelay(Duration.ofMillis(20));
                properties.getRetry().setBudgetRatio(1.0);
            });
            awaitUsable(2);
            call(20);
            long[] took = new long[400];
            for (int i = 0; i < took.length; i++) {
                long start = System.nanoTime();
                mesh.send("svc", "read", null, String.class).block(Duration.ofSeconds(5));
                took[i] = System.nanoTime() - start;
            }
            Arrays.sort(took);
            slowCalls[hedged] = (int) Arrays.stream(took).filter(nanos -> nanos > 100_000_000L).count();
            p99[hedged] = took[(int) (took.length * 0.99) - 1] / 1_000_000;
            System.out.printf("one of two nodes 150 ms slow, %s: p50 %d ms, p99 %d ms, %d of %d calls over 100 ms%n",
                    hedge ? "hedged after 20 ms" : "not hedged", took[took.length / 2] / 1_000_000, p99[hedged],
                    slowCalls[hedged], took.length);
            mesh.close();
        }
        assertThat(p99[0]).isGreaterThanOrEqualTo(140);
        // On a loaded machine a few hedged calls still wait: most must not.
        assertThat(slowCalls[0]).isGreaterThan(150);
        assertThat(slowCalls[1]).isLessThan(20);
        assertThat(p99[1]).isLessThan(p99[0]);
    }
}
