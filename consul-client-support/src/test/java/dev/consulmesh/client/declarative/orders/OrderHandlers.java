package dev.consulmesh.client.declarative.orders;

import dev.consulmesh.transport.server.EventPattern;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.server.PatternField;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The handlers of the order nodes, one instance shared by every node of a test. */
public final class OrderHandlers {

    /** Holds the third value of {@code listOrders} until the test has seen the first two. */
    public final Sinks.One<String> release = Sinks.one();
    /** The events the nodes received. */
    public final List<Order> placed = new CopyOnWriteArrayList<>();

    @MessagePattern("getOrder")
    public Order order(String id) {
        return new Order(id, 3);
    }

    @MessagePattern("listOrders")
    public Flux<Order> orders() {
        return Flux.concat(Flux.just(new Order("a", 1), new Order("b", 2)),
                release.asMono().map(any -> new Order("c", 3)));
    }

    @MessagePattern(fields = @PatternField(name = "cmd", value = "sum"))
    public int sum(List<Integer> numbers) {
        return numbers.stream().mapToInt(Integer::intValue).sum();
    }

    @EventPattern("orderPlaced")
    public void placed(Order order) {
        placed.add(order);
    }

    @MessagePattern("name")
    public String name() {
        return "a name, not an order";
    }

    @MessagePattern("nothing")
    public Mono<Order> nothing() {
        return Mono.empty();
    }
}
