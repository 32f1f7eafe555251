package com.example.inventory.node;

import com.example.inventory.api.Reservation;
import com.example.inventory.api.Reserved;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.server.RpcException;
import jakarta.validation.Valid;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The patterns of the inventory service. Each node counts its own stock in memory (a real one: a database). */
@Component
public class InventoryHandlers {

    private static final int STOCK_PER_ITEM = 1000;

    private final Map<String, Integer> reserved = new ConcurrentHashMap<>();

    /** @Valid: a reservation breaking its constraints is answered with an error naming the fields. */
    @MessagePattern("reserve")
    public Reserved reserve(@Valid Reservation reservation) {
        int total = reserved.merge(reservation.item(), reservation.quantity(), Integer::sum);
        if (total > STOCK_PER_ITEM) {
            reserved.merge(reservation.item(), -reservation.quantity(), Integer::sum);
            throw new RpcException("not enough " + reservation.item() + " on this node");
        }
        return new Reserved(reservation.item(), reservation.quantity(), STOCK_PER_ITEM - total);
    }
}
