package dev.consulmesh.client.declarative.orders;

public record Order(String id, int quantity) {
}
