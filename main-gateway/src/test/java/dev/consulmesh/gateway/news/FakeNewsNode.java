package dev.consulmesh.gateway.news;

import tools.jackson.databind.JsonNode;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.server.RpcException;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A push-service stand-in for gateway tests, whose behaviour the request's latestTime selects:
 * {@link #NEVER_ANSWER} never answers, {@link #FAIL} answers with an RPC error, {@link #SLOW} holds its
 * answer until {@link #SLOW_RELEASE_AT} slow requests are in flight at once (or 2.5 s passed), anything
 * else answers at once with at most {@link #ITEMS} items before latestTime.
 */
public class FakeNewsNode {

    public static final long NEVER_ANSWER = 1;
    public static final long FAIL = 2;
    public static final long SLOW = 3_000_000;
    public static final int ITEMS = 5;
    public static final int SLOW_RELEASE_AT = 100;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final Sinks.Empty<Void> slowReleased = Sinks.empty();

    @MessagePattern("fetchLatestNews")
    public Mono<List<Map<String, Object>>> fetchLatestNews(JsonNode data) {
        long latestTime = data.path("latestTime").asLong();
        int limit = data.path("limit").asInt(20);
        if (latestTime == NEVER_ANSWER) {
            return Mono.never();
        }
        if (latestTime == FAIL) {
            throw new RpcException("latestTime must be a non-negative integer (epoch milliseconds), got \"x\"");
        }
        List<Map<String, Object>> items = items(latestTime, Math.min(limit, ITEMS));
        if (latestTime != SLOW) {
            return Mono.just(items);
        }
        if (maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max) >= SLOW_RELEASE_AT) {
            slowReleased.tryEmitEmpty();
        }
        return slowReleased.asMono().timeout(Duration.ofMillis(2500), Mono.empty())
                .thenReturn(items).doFinally(signal -> inFlight.decrementAndGet());
    }

    private static List<Map<String, Object>> items(long latestTime, int count) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", "item" + i);
            item.put("title", "Headline " + i);
            item.put("summary", "Summary " + i);
            item.put("url", "https://news.example.org/" + i);
            item.put("source", "Example Wire");
            item.put("publishedAt", latestTime - i * 1000L);
            items.add(item);
        }
        return items;
    }

    /** The most requests this node had in flight at once. */
    public int maxInFlight() {
        return maxInFlight.get();
    }
}
