package dev.consulmesh.client.declarative;

import dev.consulmesh.client.NodeAnswer;
import dev.consulmesh.transport.server.PatternField;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading a {@link MeshService} interface at start-up, and every way it can be wrong, each named. */
class ServiceInterfaceTest {

    record Order(String id, int quantity) {
    }

    @MeshService("${shop.orders}")
    interface Orders {
        @MessageExchange(value = "${shop.get-order}", idempotent = true)
        Mono<Order> order(String id);

        @MessageExchange(value = "getOrder", idempotent = true)
        CompletableFuture<Order> orderLater(String id);

        @MessageExchange(value = "getOrder", idempotent = true)
        Mono<NodeAnswer<Order>> orderWithNode(String id);

        @MessageExchange("listOrders")
        Flux<Order> orders();

        @MessageExchange(fields = @PatternField(name = "cmd", value = "sum"))
        Mono<List<Integer>> sums(List<Integer> numbers);

        @MessageExchange("{\"cmd\":\"sum\"}")
        Flux<List<Integer>> sumsStreamed(List<Integer> numbers);

        @MessageExchange("cancel")
        Mono<Void> cancel(String id);

        @EventExchange("orderPlaced")
        Mono<Void> placed(Order order);

        default Mono<Order> first() {
            return order("1");
        }
    }

    private static final UnaryOperator<String> PLACEHOLDERS = placeholders(Map.of("shop.orders", "orders",
            "shop.get-order", "getOrder"));

    @Test
    void readsEachMethodsPatternPayloadAndAnswerOnce() throws Exception {
        ServiceInterface orders = ServiceInterface.of(Orders.class, PLACEHOLDERS);

        assertThat(orders.service()).isEqualTo("orders");
        ExchangeMethod order = orders.exchange(Orders.class.getMethod("order", String.class));
        assertThat(order.pattern().stringValue()).isEqualTo("getOrder");
        assertThat(order.result()).isEqualTo(ExchangeMethod.Result.MONO);
        assertThat(order.answer().getRawClass()).isEqualTo(Order.class);
        assertThat(order.payload().getRawClass()).isEqualTo(String.class);
        assertThat(order.idempotent()).isTrue();

        assertThat(orders.exchange(Orders.class.getMethod("orderLater", String.class)).result())
                .isEqualTo(ExchangeMethod.Result.FUTURE);
        ExchangeMethod withNode = orders.exchange(Orders.class.getMethod("orderWithNode", String.class));
        assertThat(withNode.withNode()).isTrue();
        assertThat(withNode.answer().getRawClass()).isEqualTo(Order.class);

        ExchangeMethod streamed = orders.exchange(Orders.class.getMethod("orders"));
        assertThat(streamed.result()).isEqualTo(ExchangeMethod.Result.FLUX);
        assertThat(streamed.payload()).isNull();

        // an object pattern is sent as the object, whichever way it is written
        ExchangeMethod sums = orders.exchange(Orders.class.getMethod("sums", List.class));
        assertThat(sums.pattern().isObject()).isTrue();
        assertThat(sums.pattern().get("cmd").stringValue()).isEqualTo("sum");
        assertThat(sums.answer().toCanonical()).isEqualTo("java.util.List<java.lang.Integer>");
        assertThat(orders.exchange(Orders.class.getMethod("sumsStreamed", List.class)).pattern()).isEqualTo(sums.pattern());

        assertThat(orders.exchange(Orders.class.getMethod("cancel", String.class)).ignoresAnswer()).isTrue();
        ExchangeMethod placed = orders.exchange(Orders.class.getMethod("placed", Order.class));
        assertThat(placed.kind()).isEqualTo(ExchangeMethod.Kind.EVENT);
        assertThat(orders.exchange(Orders.class.getMethod("first"))).isNull();
        assertThat(orders.idempotentPatterns()).containsExactly("getOrder");
    }

    @MeshService("orders")
    interface Unmapped {
        Mono<Order> order(String id);
    }

    @Test
    void aMethodThatMapsToNoPatternFailsNamingIt() {
        assertFails(Unmapped.class, Unmapped.class.getName() + ".order(String) maps to no pattern");
    }

    @MeshService("orders")
    interface TwoParameters {
        @MessageExchange("getOrder")
        Mono<Order> order(String customer, String id);
    }

    @Test
    void aMethodWithMoreThanOneParameterFailsNamingIt() {
        assertFails(TwoParameters.class, TwoParameters.class.getName() + ".order(String, String) takes 2 parameters");
    }

    @MeshService("orders")
    interface PlainReturn {
        @MessageExchange("getOrder")
        Order order(String id);
    }

    @MeshService("orders")
    interface RawMono {
        @SuppressWarnings("rawtypes")
        @MessageExchange("getOrder")
        Mono order(String id);
    }

    @MeshService("orders")
    interface StreamWithNode {
        @MessageExchange("listOrders")
        Flux<NodeAnswer<Order>> orders();
    }

    @MeshService("orders")
    interface VoidRequest {
        @MessageExchange("getOrder")
        void order(String id);
    }

    @MeshService("orders")
    interface EventWithAnswer {
        @EventExchange("orderPlaced")
        Mono<String> placed(Order order);
    }

    @MeshService("orders")
    interface GenericMethod {
        @MessageExchange("getOrder")
        <T> Mono<T> order(String id);
    }

    @Test
    void anUnsupportedReturnTypeFailsNamingTheMethodAndWhatItMayReturn() {
        assertFails(PlainReturn.class, PlainReturn.class.getName() + ".order(String) returns "
                + Order.class.getName(), "Mono<T>, Flux<T> or CompletableFuture<T>");
        assertFails(RawMono.class, RawMono.class.getName() + ".order(String) returns", "Mono<T>, Flux<T>");
        assertFails(StreamWithNode.class, StreamWithNode.class.getName() + ".orders() returns",
                "NodeAnswer<T> is the one answer of a Mono or CompletableFuture");
        assertFails(EventWithAnswer.class, EventWithAnswer.class.getName() + ".placed(Order) returns",
                "an @EventExchange method returns Mono<Void>");
        // void is for events only: a request's caller must be able to see its answer or its failure
        assertFails(VoidRequest.class, VoidRequest.class.getName() + ".order(String) returns void",
                "a @MessageExchange method returns Mono<T>, Flux<T> or CompletableFuture<T>");
        assertFails(GenericMethod.class, GenericMethod.class.getName() + ".order(String) declares type parameters");
    }

    @MeshService("orders")
    interface Conflicting {
        @MessageExchange("getOrder")
        Mono<Order> order(String id);

        @MessageExchange("getOrder")
        Mono<JsonNode> rawOrder(String id);
    }

    @MeshService("orders")
    interface ConflictingPayloads {
        @MessageExchange(fields = @PatternField(name = "cmd", value = "sum"))
        Mono<Integer> sum(List<Integer> numbers);

        @MessageExchange("{\"cmd\":\"sum\"}")
        Mono<Integer> sumOf(String numbers);
    }

    @MeshService("orders")
    interface ConflictingIdempotence {
        @MessageExchange(value = "getOrder", idempotent = true)
        Mono<Order> order(String id);

        @MessageExchange("getOrder")
        CompletableFuture<Order> orderLater(String id);
    }

    @Test
    void twoMethodsOnOnePatternThatDisagreeFailNamingBoth() {
        assertFails(Conflicting.class, Conflicting.class.getName() + ".order(String) and "
                + Conflicting.class.getName() + ".rawOrder(String) both map to pattern getOrder of service 'orders'",
                "answer " + Order.class.getName() + " against tools.jackson.databind.JsonNode");
        assertFails(ConflictingPayloads.class, ConflictingPayloads.class.getName() + ".sum(List) and "
                + ConflictingPayloads.class.getName() + ".sumOf(String) both map to pattern",
                "payload java.util.List<java.lang.Integer> against java.lang.String");
        assertFails(ConflictingIdempotence.class, "idempotent = true against false");
    }

    @MeshService("orders")
    interface BothAnnotations {
        @MessageExchange("getOrder")
        @EventExchange("getOrder")
        Mono<Void> order(String id);
    }

    @MeshService("orders")
    interface NoPattern {
        @MessageExchange
        Mono<Order> order(String id);
    }

    @Test
    void aMethodDeclaringBothKindsOrNoPatternFailsNamingIt() {
        assertFails(BothAnnotations.class, BothAnnotations.class.getName() + ".order(String) is both");
        assertFails(NoPattern.class, "@MessageExchange on " + NoPattern.class.getName() + ".order(String) declares no pattern");
    }

    @MeshService("orders.eu")
    interface InvalidName {
        @MessageExchange("getOrder")
        Mono<Order> order(String id);
    }

    @MeshService("${shop.nowhere}")
    interface UnsetPlaceholder {
        @MessageExchange("getOrder")
        Mono<Order> order(String id);
    }

    @Test
    void aServiceNameConsulCannotHaveOrCannotResolveFailsNamingTheInterface() {
        assertFails(InvalidName.class, "@MeshService on " + InvalidName.class.getName()
                + ": 'orders.eu' is not a valid Consul service name");
        assertFails(UnsetPlaceholder.class, "@MeshService on " + UnsetPlaceholder.class.getName(), "shop.nowhere");
    }

    private static void assertFails(Class<?> type, String... parts) {
        assertThatThrownBy(() -> ServiceInterface.of(type, PLACEHOLDERS))
                .isInstanceOf(IllegalStateException.class)
                .message().contains(parts);
    }

    private static UnaryOperator<String> placeholders(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return environment::resolveRequiredPlaceholders;
    }
}
