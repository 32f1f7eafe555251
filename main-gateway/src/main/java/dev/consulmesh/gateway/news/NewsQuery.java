package dev.consulmesh.gateway.news;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the gateway asks a news node for: items published before {@code latestTime} (or at it with an id
 * below {@code beforeId}, left out when there is no such cursor), at most {@code limit} of them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NewsQuery(long latestTime, int limit, String beforeId) {
}
