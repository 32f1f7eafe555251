package dev.consulmesh.guide.orders;

import dev.consulmesh.transport.server.Blocking;
import dev.consulmesh.transport.server.EventPattern;
import dev.consulmesh.transport.server.MessageContext;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.server.RpcException;
import jakarta.validation.Valid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The patterns of the orders service. Each node keeps the orders it heard of in memory (a real one: a database). */
@Component
public class OrderHandlers {

    private static final Logger log = LoggerFactory.getLogger(OrderHandlers.class);
    private static final long UNIT_PRICE_CENTS = 250;

    private final Map<String, Order> placed = new ConcurrentHashMap<>();

    /** A request. @Valid: an order breaking its constraints is answered with an error naming the fields. */
    @MessagePattern("quote")
    public Quote quote(@Valid Order order) {
        return new Quote(order.id(), order.quantity() * UNIT_PRICE_CENTS);
    }

    /** An event: fire-and-forget, nothing is answered. */
    @EventPattern("orderPlaced")
    public void orderPlaced(@Valid Order order, MessageContext context) {
        log.info("order {} placed, sent by {}", order.id(), context.remoteAddress());
        placed.put(order.id(), order);
    }

    /** A request answered with an error the caller sees when this node has not heard of the order. */
    @MessagePattern("getOrder")
    public Order getOrder(String id) {
        Order order = placed.get(id);
        if (order == null) {
            throw new RpcException("no order " + id + " on this node");
        }
        return order;
    }

    /** A streamed answer: each value reaches the caller as soon as it is emitted. */
    @MessagePattern("trackOrder")
    public Flux<String> trackOrder(String id) {
        return Flux.just("received", "packed", "shipped").delayElements(Duration.ofMillis(50));
    }

    /** Blocks (a slow inventory query), so it runs off the I/O threads, at most mesh.tcp.blocking.max-concurrency at once. */
    @Blocking
    @MessagePattern("checkStock")
    public Stock checkStock(String item) throws InterruptedException {
        Thread.sleep(100);
        return new Stock(item, 7);
    }
}
