package dev.consulmesh.guide.orders;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/** An order as it travels between caller and node (JSON: {"id":"o-1","item":"tea","quantity":2}). */
public record Order(@NotBlank String id, @NotBlank String item, @Min(1) @Max(100) int quantity) {
}
