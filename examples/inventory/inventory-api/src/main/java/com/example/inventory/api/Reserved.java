package com.example.inventory.api;

/** What a node set aside, and how many of the item it has left. */
public record Reserved(String item, int quantity, int left) {
}
