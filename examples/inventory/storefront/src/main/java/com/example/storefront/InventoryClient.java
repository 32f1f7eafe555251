package com.example.storefront;

import com.example.inventory.api.Reservation;
import com.example.inventory.api.Reserved;
import dev.consulmesh.client.declarative.MeshService;
import dev.consulmesh.client.declarative.MessageExchange;
import reactor.core.publisher.Mono;

/** The inventory service as the storefront calls it. */
@MeshService("inventory")
public interface InventoryClient {

    @MessageExchange("reserve")   // changes state: not made again on another node once it may have run
    Mono<Reserved> reserve(Reservation reservation);
}
