package dev.consulmesh.guide.shop;

import dev.consulmesh.client.declarative.EventExchange;
import dev.consulmesh.client.declarative.MeshService;
import dev.consulmesh.client.declarative.MessageExchange;
import dev.consulmesh.guide.orders.Order;
import dev.consulmesh.guide.orders.Quote;
import dev.consulmesh.guide.orders.Stock;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.concurrent.CompletableFuture;

/** The orders service as this application calls it: one method per pattern of OrderHandlers. */
@MeshService("orders")
public interface OrdersClient {

    @MessageExchange(value = "quote", idempotent = true)   // only reads: may be made again on another node
    Mono<Quote> quote(Order order);

    @EventExchange("orderPlaced")
    Mono<Void> placed(Order order);                        // completes once the event is written to a node

    @MessageExchange(value = "getOrder", idempotent = true)
    Mono<Order> order(String id);

    @MessageExchange("trackOrder")
    Flux<String> track(String id);                         // each value as the node sends it

    @MessageExchange(value = "checkStock", idempotent = true)
    CompletableFuture<Stock> stock(String item);           // sent at once, unlike a Mono
}
