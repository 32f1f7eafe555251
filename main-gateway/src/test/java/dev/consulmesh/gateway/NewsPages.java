package dev.consulmesh.gateway;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

import java.util.List;

/** What a push-service node, Java or Nest, must answer to {@code fetchLatestNews}, from the items it serves. */
final class NewsPages {

    private NewsPages() {
    }

    /**
     * The answer to {@code {latestTime, limit}}: the items published before {@code latestTime}, newest
     * first, at most {@code limit}.
     *
     * @param items every item the node serves, newest first
     */
    static ArrayNode page(List<JsonNode> items, long latestTime, int limit) {
        ArrayNode page = JsonNodeFactory.instance.arrayNode();
        items.stream().filter(item -> item.get("publishedAt").asLong() < latestTime).limit(limit).forEach(page::add);
        return page;
    }
}
