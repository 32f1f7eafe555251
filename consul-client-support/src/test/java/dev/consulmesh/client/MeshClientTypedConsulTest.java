package dev.consulmesh.client;

import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.discovery.DiscoveryProperties;
import dev.consulmesh.discovery.ServiceDiscovery;
import dev.consulmesh.failure.UnusableAnswerException;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.retry.IdempotentPatterns;
import dev.consulmesh.testsupport.TestConsul;
import dev.consulmesh.testsupport.TestNode;
import dev.consulmesh.testsupport.StartedResources;
import dev.consulmesh.transport.client.RequestTimeoutException;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.transport.wire.RawJson;
import dev.consulmesh.transport.wire.RawJsonArray;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Typed calls, streamed answers and settings per service, against a real Consul agent and real nodes:
 * answers read as the caller's own types, a multi-value answer delivered value by value as the node
 * sends it, an answer that does not fit the type named with service, pattern, node and type (and no
 * node ejected for it), one service's timeout without touching another's, and a balancer of the
 * application's own for one service.
 */
class MeshClientTypedConsulTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final StartedResources started = new StartedResources();
    private final Handlers handlers = new Handlers();
    private TestConsul consul;
    private MeshClient mesh;

    public record Order(String id, int quantity) {
    }

    /** The nodes' handlers, the same on every node. */
    public static final class Handlers {
        /** Holds the third value of a streamed answer until the test has seen the first two. */
        final Sinks.One<String> release = Sinks.one();

        @MessagePattern("order")
        public Order order(String id) {
            return new Order(id, 3);
        }

        @MessagePattern("orders")
        public Flux<Order> orders() {
            return Flux.concat(Flux.just(new Order("a", 1), new Order("b", 2)),
                    release.asMono().map(any -> new Order("c", 3)));
        }

        @MessagePattern("slow")
        public Mono<String> slow() {
            return Mono.delay(Duration.ofMillis(800)).thenReturn("late");
        }

        @MessagePattern("list")
        public List<Order> list() {
            return List.of(new Order("a", 1), new Order("b", 2));
        }

        @MessagePattern("name")
        public String name() {
            return "a name, not an order";
        }
    }

    @BeforeEach
    void start() {
        consul = TestConsul.start();
        started.add(consul);
        for (String service : List.of("svc", "other")) {
            started.add(TestNode.start(consul, service, handlers));
            started.add(TestNode.start(consul, service, handlers));
        }
    }

    private void startMesh(MeshClientProperties properties, ServiceCustomizations customizations) {
        ServiceDiscovery discovery = new ServiceDiscovery(ConsulAgent.at(consul.host(), consul.httpPort()), new DiscoveryProperties());
        started.add(discovery);
        NodeClients clients = new NodeClients(properties.toOptions(), new PacketCodec(MAPPER));
        started.add(clients);
        mesh = MeshClient.builder(discovery, clients, MAPPER, properties,
                new IdempotentPatterns(new PatternRoute(MAPPER), List.of()), MeshMetrics.inMemory()).customizations(customizations).build();
        started.add(mesh);
        for (String service : List.of("svc", "other")) {
            mesh.prepare(service);
            await().atMost(Duration.ofSeconds(10)).until(() -> mesh.status().get(service).listed() == 2);
        }
    }

    @AfterEach
    void stop() throws Exception {
        started.close();
    }

    @Test
    void answersAreReadAsTheCallersTypes() {
        startMesh(new MeshClientProperties(), ServiceCustomizations.none());

        assertThat(mesh.send("svc", "order", "o-1", Order.class).block(Duration.ofSeconds(10))).isEqualTo(new Order("o-1", 3));
        assertThat(mesh.send("svc", "name", null, String.class).block(Duration.ofSeconds(10))).isEqualTo("a name, not an order");
    }

    @Test
    void aStreamedAnswerArrivesValueByValueAsTheNodeSendsIt() {
        startMesh(new MeshClientProperties(), ServiceCustomizations.none());
        List<Order> received = new CopyOnWriteArrayList<>();

        Flux<Order> orders = mesh.stream("svc", "orders", null, Order.class).doOnNext(received::add).cache();
        orders.subscribe();

        // The node holds its third value back: the first two arrived on their own, not gathered at the end.
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
        handlers.release.tryEmitValue("go");
        assertThat(orders.collectList().block(Duration.ofSeconds(10)))
                .containsExactly(new Order("a", 1), new Order("b", 2), new Order("c", 3));
    }

    @Test
    void anAnswerThatDoesNotFitTheTypeNamesServicePatternNodeAndTypeAndEjectsNoNode() {
        startMesh(new MeshClientProperties(), ServiceCustomizations.none());

        for (int i = 0; i < 12; i++) {
            assertThatThrownBy(() -> mesh.send("svc", "name", null, Order.class).block(Duration.ofSeconds(10)))
                    .isInstanceOf(UnusableAnswerException.class)
                    .hasMessageContaining("127.0.0.1:")
                    .hasMessageContaining("service 'svc', pattern 'name'")
                    .hasMessageContaining("expected " + Order.class.getName())
                    .hasMessageContaining("a name, not an order");
        }

        assertThat(mesh.status().get("svc").nodes()).allSatisfy(node -> assertThat(node.state()).isEqualTo("healthy"));
    }

    @Test
    void rawTypesGiveTheValuesAsTheBytesTheNodeSentAndAnArrayThatIsNotOneIsUnusable() {
        startMesh(new MeshClientProperties(), ServiceCustomizations.none());

        RawJson order = mesh.send("svc", "order", "o-1", RawJson.class).block(Duration.ofSeconds(10));
        assertThat(MAPPER.readValue(order.text(), Order.class)).isEqualTo(new Order("o-1", 3));
        assertThat(mesh.stream("svc", "orders", null, RawJson.class).take(2).map(RawJson::text)
                .collectList().block(Duration.ofSeconds(10)))
                .containsExactly("{\"id\":\"a\",\"quantity\":1}", "{\"id\":\"b\",\"quantity\":2}");
        NodeAnswer<RawJsonArray> list = mesh.<RawJsonArray>sendForAnswer("svc", "list", null,
                MAPPER.getTypeFactory().constructType(RawJsonArray.class)).block(Duration.ofSeconds(10));
        assertThat(list.value().size()).isEqualTo(2);
        assertThat(list.value().json().text()).isEqualTo("[{\"id\":\"a\",\"quantity\":1},{\"id\":\"b\",\"quantity\":2}]");

        assertThatThrownBy(() -> mesh.send("svc", "order", "o-1", RawJsonArray.class).block(Duration.ofSeconds(10)))
                .isInstanceOf(UnusableAnswerException.class)
                .hasMessageContaining("service 'svc', pattern 'order'")
                .hasMessageContaining("expected a JSON array, got OBJECT");
    }

    @Test
    void oneServicesTimeoutIsItsOwn() {
        MeshClientProperties properties = new MeshClientProperties();
        ServiceClientProperties svc = new ServiceClientProperties();
        svc.setRequestTimeout(Duration.ofMillis(300));
        properties.getServices().put("svc", svc);
        startMesh(properties, ServiceCustomizations.none());

        assertThat(mesh.settings("svc").requestTimeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(mesh.settings("other").requestTimeout()).isEqualTo(properties.getRequestTimeout());
        assertThatThrownBy(() -> mesh.send("svc", "slow", null, String.class).block(Duration.ofSeconds(10)))
                .isInstanceOf(RequestTimeoutException.class).hasMessageMatching(".* within (2[0-9][0-9]|300) ms");
        assertThat(mesh.send("other", "slow", null, String.class).block(Duration.ofSeconds(10))).isEqualTo("late");
    }

    @Test
    void anApplicationBalancerServesItsServiceAlone() {
        Supplier<dev.consulmesh.balancing.LoadBalancer> first = () -> candidates -> candidates.get(0);
        MeshClientProperties properties = new MeshClientProperties();
        // the other service's calls, one at a time, are asserted to alternate: round robin does, peak-EWMA
        // (the default) sends each to the node that has answered faster
        properties.setStrategy(dev.consulmesh.balancing.BalancingStrategy.ROUND_ROBIN);
        startMesh(properties, new ServiceCustomizations(Map.of(), Map.of("svc", first)));

        for (int i = 0; i < 10; i++) {
            mesh.send("svc", "order", "o", Order.class).block(Duration.ofSeconds(10));
            mesh.send("other", "order", "o", Order.class).block(Duration.ofSeconds(10));
        }

        assertThat(mesh.status().get("svc").nodes()).extracting(NodeReport::successes).containsExactlyInAnyOrder(10L, 0L);
        assertThat(mesh.status().get("other").nodes()).extracting(NodeReport::successes).containsExactlyInAnyOrder(5L, 5L);
    }

    @Test
    void aServiceNameConsulCannotHaveFailsAtStartNamingTheProperty() {
        MeshClientProperties properties = new MeshClientProperties();
        properties.getServices().put("no spaces", new ServiceClientProperties());

        assertThatThrownBy(() -> startMesh(properties, ServiceCustomizations.none()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("mesh.client.services.no spaces: 'no spaces' is not a valid Consul service name");
    }
}
