package dev.consulmesh.guide.orders;

/** The price of an order. */
public record Quote(String orderId, long totalCents) {
}
