package dev.consulmesh.guide.orders;

/** How many of an item are in stock. */
public record Stock(String item, int available) {
}
