package dev.consulmesh.gateway.news;

import dev.consulmesh.client.NodeAnswer;
import dev.consulmesh.client.declarative.MessageExchange;
import dev.consulmesh.client.declarative.MeshService;
import dev.consulmesh.transport.wire.RawJsonArray;
import reactor.core.publisher.Mono;

/** The news nodes, as the gateway calls them: service and pattern are {@code gateway.news.*}. */
@MeshService("${gateway.news.service}")
public interface NewsNodes {

    /**
     * The latest news items before the query's cursor, newest first, with the node that answered (the
     * response names it), as the bytes the node sent: the gateway passes the items on without reading
     * them. A node whose answer is not an array gave an unusable answer: it counts against that node and
     * the call goes on to another. Fetching news only reads, so a call may be made again on
     * another node even after it was written.
     */
    @MessageExchange(value = "${gateway.news.pattern}", idempotent = true)
    Mono<NodeAnswer<RawJsonArray>> fetchLatestNews(NewsQuery query);
}
