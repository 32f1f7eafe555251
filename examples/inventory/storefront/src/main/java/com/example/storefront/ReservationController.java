package com.example.storefront;

import com.example.inventory.api.Reservation;
import com.example.inventory.api.Reserved;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * POST /reservations: passes the body to an inventory node. No error handling here: the mesh answers
 * its failures as application/problem+json (an invalid reservation 400, no inventory node 503).
 */
@RestController
public class ReservationController {

    private final InventoryClient inventory;

    public ReservationController(InventoryClient inventory) {
        this.inventory = inventory;
    }

    @PostMapping("/reservations")
    public Mono<Reserved> reserve(@RequestBody Reservation reservation) {
        return inventory.reserve(reservation);
    }
}
