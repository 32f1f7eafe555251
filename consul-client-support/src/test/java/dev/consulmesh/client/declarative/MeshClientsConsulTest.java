package dev.consulmesh.client.declarative;

import dev.consulmesh.client.MeshClient;
import dev.consulmesh.client.NodeAnswer;
import dev.consulmesh.client.declarative.broken.TwoPayloads;
import dev.consulmesh.client.declarative.orders.Order;
import dev.consulmesh.client.declarative.orders.OrderHandlers;
import dev.consulmesh.client.declarative.orders.Orders;
import dev.consulmesh.failure.UnusableAnswerException;
import dev.consulmesh.testsupport.TestConsul;
import dev.consulmesh.testsupport.TestNode;
import dev.consulmesh.testsupport.StartedResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.JsonNodeFactory;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The declarative client in a Spring application against a real Consul agent and two real nodes
 * ({@link TestNode}, the mesh's TCP server, both with {@link OrderHandlers}): the application enables
 * {@link Orders} with {@link EnableMeshClients} and calls it — an answer as a {@code Mono}, a stream value
 * by value as the node sends it, a {@code CompletableFuture} over an object pattern, an event the nodes'
 * {@code @EventPattern} receives, an answer with the node that gave it, and answers that do not fit,
 * which name service, pattern, node and type and eject neither node.
 */
class MeshClientsConsulTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final OrderHandlers handlers = new OrderHandlers();
    private static final StartedResources started = new StartedResources();
    private static ConfigurableApplicationContext app;
    private static Orders orders;
    private static Set<String> nodeIds;

    @Configuration
    @EnableAutoConfiguration
    @EnableMeshClients(basePackageClasses = Orders.class)
    static class ShopApp {
    }

    @Configuration
    @EnableAutoConfiguration
    @EnableMeshClients(basePackageClasses = TwoPayloads.class)
    static class BrokenApp {
    }

    @BeforeAll
    static void start() {
        TestConsul consul = TestConsul.start();
        started.add(consul);
        TestNode first = TestNode.start(consul, "orders", handlers);
        started.add(first);
        TestNode second = TestNode.start(consul, "orders", handlers);
        started.add(second);
        nodeIds = Set.of(first.instanceId(), second.instanceId());
        app = new SpringApplicationBuilder(ShopApp.class).web(WebApplicationType.NONE).properties(
                "spring.application.name=shop",
                "spring.cloud.consul.host=" + consul.host(),
                "spring.cloud.consul.port=" + consul.httpPort(),
                "shop.orders.service=orders").run();
        orders = app.getBean(Orders.class);
        MeshClient mesh = app.getBean(MeshClient.class);
        // The client watches its service from start-up, before any call.
        await().atMost(WAIT).until(() -> mesh.status().containsKey("orders") && mesh.status().get("orders").usable() == 2);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        started.close();
    }

    @Test
    void aMonoGetsTheAnswerAsTheDeclaredType() {
        assertThat(orders.order("o-1").block(WAIT)).isEqualTo(new Order("o-1", 3));
    }

    @Test
    void aFluxGetsTheValuesAsTheNodeStreamsThem() {
        List<Order> received = new CopyOnWriteArrayList<>();
        Flux<Order> streamed = orders.orders().doOnNext(received::add).cache();
        streamed.subscribe();

        // The node holds its third value back: the first two arrived on their own, not gathered at the end.
        await().atMost(WAIT).until(() -> received.size() == 2);
        assertThat(received).containsExactly(new Order("a", 1), new Order("b", 2));
        handlers.release.tryEmitValue("go");
        assertThat(streamed.collectList().block(WAIT)).containsExactly(new Order("a", 1), new Order("b", 2), new Order("c", 3));
    }

    @Test
    void aCompletableFutureGetsTheAnswerOfAnObjectPattern() throws Exception {
        assertThat(orders.sum(List.of(1, 2, 3)).get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(6);
    }

    @Test
    void anEventReachesTheNodesEventHandler() {
        orders.placed(new Order("p-1", 2)).block(WAIT);

        await().atMost(WAIT).until(() -> handlers.placed.contains(new Order("p-1", 2)));
    }

    /** A void event method sends as Nest's emit does, at once; a Mono<Void> one only when subscribed. */
    @Test
    void aVoidEventIsSentAtOnceAndAMonoEventOnlyWhenSubscribed() {
        Mono<Void> notSubscribed = orders.placed(new Order("lazy-1", 1));
        orders.placedNow(new Order("now-1", 1));

        await().atMost(WAIT).until(() -> handlers.placed.contains(new Order("now-1", 1)));
        assertThat(handlers.placed).doesNotContain(new Order("lazy-1", 1));

        notSubscribed.block(WAIT);
        await().atMost(WAIT).until(() -> handlers.placed.contains(new Order("lazy-1", 1)));
    }

    @Test
    void aNodeAnswerNamesTheNodeThatAnswered() {
        Set<String> answeredBy = new java.util.HashSet<>();
        for (int i = 0; i < 4; i++) {
            NodeAnswer<Order> answer = orders.orderWithNode("o-" + i).block(WAIT);
            assertThat(answer.value()).isEqualTo(new Order("o-" + i, 3));
            answeredBy.add(answer.node().instanceId());
        }
        assertThat(answeredBy).isEqualTo(nodeIds);
    }

    @Test
    void anIdempotentMethodDeclaresItsPatternForItsServiceOnly() {
        MeshClient mesh = app.getBean(MeshClient.class);
        assertThat(mesh.idempotentPatterns("orders").contains(JsonNodeFactory.instance.stringNode("getOrder"))).isTrue();
        assertThat(mesh.idempotentPatterns("orders").contains(JsonNodeFactory.instance.stringNode("listOrders"))).isFalse();
        assertThat(mesh.idempotentPatterns().contains(JsonNodeFactory.instance.stringNode("getOrder"))).isFalse();
    }

    @Test
    void answersThatDoNotFitNameServicePatternNodeAndTypeAndEjectNoNode() {
        for (int i = 0; i < 12; i++) {
            assertThatThrownBy(() -> orders.nameAsOrder().block(WAIT))
                    .isInstanceOf(UnusableAnswerException.class)
                    .hasMessageContaining("127.0.0.1:")
                    .hasMessageContaining("service 'orders', pattern 'name'")
                    .hasMessageContaining("expected " + Order.class.getName())
                    .hasMessageContaining("a name, not an order");
        }
        assertThatThrownBy(() -> orders.nothing().block(WAIT))
                .isInstanceOf(UnusableAnswerException.class)
                .hasMessageContaining("service 'orders', pattern 'nothing': expected " + Order.class.getName() + ", got nothing");

        // Both nodes gave the same wrong shape: that is the caller's mistake, not a node's fault.
        assertThat(app.getBean(MeshClient.class).status().get("orders").nodes())
                .allSatisfy(node -> assertThat(node.state()).isEqualTo("healthy"));
        assertThat(orders.order("after").block(WAIT)).isEqualTo(new Order("after", 3));
    }

    @Test
    void anInterfaceNoClientCanBeMadeOfFailsStartUpNamingTheMethod() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(BrokenApp.class).web(WebApplicationType.NONE)
                .properties("spring.cloud.consul.host=127.0.0.1", "spring.cloud.consul.port=1").run())
                .rootCause()
                .hasMessageContaining(TwoPayloads.class.getName() + ".order(String, String) takes 2 parameters");
    }
}
