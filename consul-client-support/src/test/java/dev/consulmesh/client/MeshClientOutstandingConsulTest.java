package dev.consulmesh.client;

import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.balancing.BalancingStrategy;
import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.discovery.DiscoveryProperties;
import dev.consulmesh.discovery.ServiceDiscovery;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.retry.IdempotentPatterns;
import dev.consulmesh.testsupport.TestConsul;
import dev.consulmesh.testsupport.TestNode;
import dev.consulmesh.testsupport.StartedResources;
import dev.consulmesh.transport.client.RemoteErrorException;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The count of requests outstanding on each node, against a real Consul agent and two real nodes: it is
 * back to zero however a call ends — answered, failed, cancelled, or answered and then rejected by the
 * caller's own code (which once counted the end twice and drove the count to -100 after 100 calls).
 */
class MeshClientOutstandingConsulTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final StartedResources started = new StartedResources();
    private MeshClient mesh;

    /** Both nodes' handlers. */
    public static final class Handlers {
        final AtomicInteger slowAnswered = new AtomicInteger();

        @MessagePattern("read")
        public String read() {
            return "news";
        }

        @MessagePattern("fail")
        public String fail() {
            throw new IllegalStateException("the handler failed");
        }

        @MessagePattern("slow")
        public Mono<String> slow() {
            return Mono.delay(Duration.ofMillis(400)).map(tick -> "late").doOnNext(value -> slowAnswered.incrementAndGet());
        }
    }

    private final Handlers handlers = new Handlers();

    @BeforeEach
    void start() {
        TestConsul consul = TestConsul.start();
        started.add(consul);
        started.add(TestNode.start(consul, "svc", handlers));
        started.add(TestNode.start(consul, "svc", handlers));
        ServiceDiscovery discovery = new ServiceDiscovery(ConsulAgent.at(consul.host(), consul.httpPort()), new DiscoveryProperties());
        MeshClientProperties properties = new MeshClientProperties();
        properties.setStrategy(BalancingStrategy.LEAST_OUTSTANDING);
        NodeClients clients = new NodeClients(properties.toOptions(), new PacketCodec(MAPPER));
        mesh = MeshClient.builder(discovery, clients, MAPPER, properties,
                new IdempotentPatterns(new PatternRoute(MAPPER), List.of("read")), MeshMetrics.inMemory()).build();
        started.add(discovery);
        started.add(clients);
        started.add(mesh);
        mesh.prepare("svc");
        await().atMost(Duration.ofSeconds(10)).until(() -> mesh.status().get("svc").listed() == 2);
    }

    @AfterEach
    void stop() throws Exception {
        started.close();
    }

    private List<Integer> outstanding() {
        return mesh.status().get("svc").nodes().stream().map(NodeReport::outstanding).toList();
    }

    @Test
    void anAnswerTheCallersCodeRejectsEndsItsCallOnce() {
        for (int i = 0; i < 100; i++) {
            Mono<String> rejected = mesh.send("svc", "read", null).map(reply -> {
                throw new IllegalArgumentException("the caller cannot use " + reply.value());
            });
            assertThatThrownBy(() -> rejected.block(Duration.ofSeconds(10))).hasMessageContaining("the caller cannot use");
        }

        assertThat(outstanding()).containsExactly(0, 0);
        assertThat(mesh.status().get("svc").nodes()).allSatisfy(node -> assertThat(node.successes()).isPositive());
    }

    @Test
    void answeredAndFailedCallsEndOnce() {
        for (int i = 0; i < 20; i++) {
            assertThat(mesh.send("svc", "read", null).block(Duration.ofSeconds(10)).value().asString()).isEqualTo("news");
            assertThatThrownBy(() -> mesh.send("svc", "fail", null).block(Duration.ofSeconds(10)))
                    .isInstanceOf(RemoteErrorException.class);
        }

        assertThat(outstanding()).containsExactly(0, 0);
    }

    @Test
    void aCancelledCallEndsOnceAndItsLateAnswerChangesNothing() {
        List<Disposable> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            calls.add(mesh.send("svc", "slow", null).subscribe(reply -> { }, failure -> { }));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> outstanding().stream().mapToInt(Integer::intValue).sum() == 10);

        calls.forEach(Disposable::dispose);

        assertThat(outstanding()).containsExactly(0, 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> handlers.slowAnswered.get() == 10);
        // the nodes' late answers arrive for requests nobody waits for any more
        await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(outstanding()).containsExactly(0, 0));
    }
}
