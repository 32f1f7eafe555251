package dev.consulmesh.transport.wire;

import java.util.Objects;

/**
 * An answer value that must be a JSON array, kept as the bytes the peer sent ({@link RawJson}). As the
 * value type of a call ({@code MeshClient.send(..., RawJsonArray.class)}, or a {@code @MeshService}
 * method returning {@code Mono<NodeAnswer<RawJsonArray>>}), an answer that is anything but an array is
 * one the caller cannot use: it counts against the node that gave it, and an idempotent call goes on to
 * another node.
 *
 * @param json the array, with where each of its elements starts and ends
 */
public record RawJsonArray(RawJson json) {

    /** @throws IllegalArgumentException naming the JSON type the value has instead */
    public RawJsonArray {
        Objects.requireNonNull(json, "json");
        if (!json.isArray()) {
            throw new IllegalArgumentException("expected a JSON array, got " + json.type());
        }
    }

    public int size() {
        return json.size();
    }
}
