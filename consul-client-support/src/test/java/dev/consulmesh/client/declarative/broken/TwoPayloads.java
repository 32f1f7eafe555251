package dev.consulmesh.client.declarative.broken;

import dev.consulmesh.client.declarative.MessageExchange;
import dev.consulmesh.client.declarative.MeshService;
import reactor.core.publisher.Mono;

/** An interface no client can be made of: a call sends one payload. */
@MeshService("orders")
public interface TwoPayloads {

    @MessageExchange("getOrder")
    Mono<String> order(String customer, String id);
}
