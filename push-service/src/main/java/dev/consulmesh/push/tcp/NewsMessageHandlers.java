package dev.consulmesh.push.tcp;

import tools.jackson.databind.JsonNode;
import dev.consulmesh.push.news.InvalidNewsQueryException;
import dev.consulmesh.push.news.NewsFeed;
import dev.consulmesh.push.news.NewsFeedRefresher;
import dev.consulmesh.push.news.NewsQuery;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.server.EventPattern;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.server.RpcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Clock;

/** The node's TCP patterns, as the NestJS push-service of the seed material had them. */
@Component
public class NewsMessageHandlers {

    private static final Logger log = LoggerFactory.getLogger(NewsMessageHandlers.class);

    private final NewsFeed feed;
    private final NewsFeedRefresher refresher;
    private final SerializedNews serialized;
    private final Clock clock;

    public NewsMessageHandlers(NewsFeed feed, NewsFeedRefresher refresher, PacketCodec codec) {
        this.feed = feed;
        this.refresher = refresher;
        this.serialized = new SerializedNews(codec);
        this.clock = Clock.systemUTC();
    }

    /**
     * The newest items before a cursor: data is a bare {@code latestTime} (epoch ms) or
     * {@code {latestTime, beforeId, limit}}. Invalid data is answered with an RPC error naming the field. The
     * answer is the page's list of {@link dev.consulmesh.push.news.NewsItem}s as JSON, from items serialized once
     * per snapshot of the feed ({@link SerializedNews}).
     */
    @MessagePattern("fetchLatestNews")
    public JsonNode fetchLatestNews(JsonNode data) {
        NewsQuery query;
        try {
            query = NewsQuery.fromPayload(data, clock.millis());
        } catch (InvalidNewsQueryException e) {
            throw new RpcException(e.getMessage());
        }
        return serialized.page(feed.snapshot(), query);
    }

    /** Refreshes the feed now, off the connection's thread. */
    @EventPattern("fetchNewsTask")
    public void fetchNewsTask(JsonNode data) {
        if (!refresher.refreshNow()) {
            log.warn("fetchNewsTask received while the feed refresher is stopped; ignored");
        }
    }
}
