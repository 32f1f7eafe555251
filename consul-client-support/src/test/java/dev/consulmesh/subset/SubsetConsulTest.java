package dev.consulmesh.subset;

import dev.consulmesh.balancing.BalancingStrategy;
import dev.consulmesh.client.MeshClient;
import dev.consulmesh.client.MeshClientProperties;
import dev.consulmesh.client.NodeClients;
import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.discovery.DiscoveryProperties;
import dev.consulmesh.discovery.ServiceDiscovery;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.retry.IdempotentPatterns;
import dev.consulmesh.testsupport.StartedResources;
import dev.consulmesh.testsupport.TestConsul;
import dev.consulmesh.testsupport.TestNode;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Subsetting against a real Consul agent: 24 nodes of a service, three callers with subset.size 8, each
 * registered among the service's callers. Each caller connects to 8 nodes, no more, and together they use
 * every node.
 */
class SubsetConsulTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int NODES = 24;
    private static final int SIZE = 8;

    private final StartedResources started = new StartedResources();

    public static final class Handlers {
        @MessagePattern("read")
        public String read() {
            return "news";
        }
    }

    @AfterEach
    void stop() throws Exception {
        started.close();
    }

    @Test
    void eachCallerConnectsToAtMostItsSubsetSizeAndTogetherTheyUseEveryNode() {
        TestConsul consul = started.add(TestConsul.start());
        List<TestNode> nodes = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            nodes.add(started.add(TestNode.start(consul, "wide", new Handlers())));
        }
        List<MeshClient> callers = new ArrayList<>();
        for (String id : List.of("caller-a", "caller-b", "caller-c")) {
            MeshClientProperties properties = new MeshClientProperties();
            properties.getSubset().setSize(SIZE);
            // Every node of the subset in turn, so that 3 * SIZE calls reach all of it: Peak EWMA, the default, keeps
            // choosing the faster nodes, and on a busy machine 24 calls left some of a subset's nodes uncalled.
            properties.setStrategy(BalancingStrategy.ROUND_ROBIN);
            properties.getSubset().setCallerId(id);
            properties.getSubset().setCallerTtl(Duration.ofSeconds(5));
            ServiceDiscovery discovery = started.add(new ServiceDiscovery(ConsulAgent.at(consul.host(), consul.httpPort()),
                    new DiscoveryProperties()));
            NodeClients clients = started.add(new NodeClients(properties.toOptions(), new PacketCodec(MAPPER)));
            callers.add(started.add(MeshClient.builder(discovery, clients, MAPPER, properties,
                    new IdempotentPatterns(new PatternRoute(MAPPER), List.of("read")), MeshMetrics.inMemory()).build()));
        }
        callers.forEach(caller -> caller.prepare("wide"));

        // Each caller registers among the callers of "wide" once it sees more than SIZE nodes.
        await().atMost(Duration.ofSeconds(20)).until(() -> MAPPER.readTree(consul.http().get("/v1/health/service/wide-callers?passing"))
                .size() == 3);
        Set<Integer> used = new HashSet<>();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            used.clear();
            for (MeshClient caller : callers) {
                Set<Integer> mine = new HashSet<>();
                for (int call = 0; call < 3 * SIZE; call++) {
                    mine.add(caller.send("wide", "read", null).block(Duration.ofSeconds(5)).node().port());
                }
                assertThat(mine).hasSizeLessThanOrEqualTo(SIZE);
                assertThat(caller.status().get("wide").nodes()).hasSizeLessThanOrEqualTo(SIZE);
                used.addAll(mine);
            }
            assertThat(used).hasSize(NODES);
        });
        // Connections opened before a caller knew its place (by its hash) close once idle.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(nodes.stream().mapToInt(node -> node.server().openConnections()).sum()).isLessThanOrEqualTo(3 * SIZE);
            assertThat(nodes).allSatisfy(node -> assertThat(node.server().openConnections()).isLessThanOrEqualTo(1));
        });
        System.out.printf("%d nodes, 3 callers with subset.size %d: %d connections in all (without subsetting %d)%n",
                NODES, SIZE, nodes.stream().mapToInt(node -> node.server().openConnections()).sum(), 3 * NODES);
    }
}
