package dev.consulmesh.client.declarative.orders;

import dev.consulmesh.client.NodeAnswer;
import dev.consulmesh.client.declarative.EventExchange;
import dev.consulmesh.client.declarative.MessageExchange;
import dev.consulmesh.client.declarative.MeshService;
import dev.consulmesh.transport.server.PatternField;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A client of the test's order nodes ({@link OrderHandlers}), one method per shape the client can give. */
@MeshService("${shop.orders.service}")
public interface Orders {

    @MessageExchange(value = "getOrder", idempotent = true)
    Mono<Order> order(String id);

    @MessageExchange(value = "getOrder", idempotent = true)
    Mono<NodeAnswer<Order>> orderWithNode(String id);

    @MessageExchange("listOrders")
    Flux<Order> orders();

    @MessageExchange(fields = @PatternField(name = "cmd", value = "sum"))
    CompletableFuture<Integer> sum(List<Integer> numbers);

    @EventExchange("orderPlaced")
    Mono<Void> placed(Order order);

    /** Sent at once, as Nest's emit. */
    @EventExchange("orderPlaced")
    void placedNow(Order order);

    /** The nodes answer a string here, which is no order. */
    @MessageExchange("name")
    Mono<Order> nameAsOrder();

    /** The nodes answer nothing here. */
    @MessageExchange("nothing")
    Mono<NodeAnswer<Order>> nothing();
}
