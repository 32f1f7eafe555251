package com.example.inventory.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/** A request to set items aside (JSON: {"item":"tea","quantity":2}). */
public record Reservation(@NotBlank String item, @Min(1) @Max(100) int quantity) {
}
