package dev.consulmesh.push.tcp;

import dev.consulmesh.push.news.NewsItem;
import dev.consulmesh.push.news.NewsQuery;
import dev.consulmesh.push.news.NewsSnapshot;
import dev.consulmesh.transport.wire.PacketCodec;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A page from items serialized once per snapshot is the JSON of the page serialized on each request, and follows the feed. */
class SerializedNewsTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final PacketCodec codec = new PacketCodec(mapper);
    private final SerializedNews serialized = new SerializedNews(codec);

    private static NewsSnapshot snapshot(int count, String title) {
        List<NewsItem> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // the same publishedAt for pairs of items: a page may start between two of them (beforeId)
            items.add(new NewsItem(String.format("%016x", i), title + " \"" + i + "\" \u00e9\uD83D\uDE00", "summary " + i,
                    "https://example.com/" + i, "source", 1_700_000_000_000L - 1000L * (i / 2)));
        }
        return NewsSnapshot.of(items, Instant.EPOCH);
    }

    private String perRequest(NewsSnapshot snapshot, NewsQuery query) {
        return mapper.writeValueAsString(codec.serialized(snapshot.latest(query)));
    }

    private String kept(NewsSnapshot snapshot, NewsQuery query) {
        return mapper.writeValueAsString(serialized.page(snapshot, query));
    }

    @Test
    void aPageIsTheJsonOfThePageSerializedOnRequest() {
        NewsSnapshot snapshot = snapshot(50, "title");
        List<NewsQuery> queries = List.of(new NewsQuery(Long.MAX_VALUE, null, 21), new NewsQuery(Long.MAX_VALUE, null, 100),
                new NewsQuery(1_700_000_000_000L - 3000, null, 5), new NewsQuery(1_700_000_000_000L - 3000, "0000000000000007", 5),
                new NewsQuery(1_700_000_000_000L - 24_000, null, 21), new NewsQuery(0, null, 21), new NewsQuery(Long.MAX_VALUE, null, 1));
        for (NewsQuery query : queries) {
            assertThat(kept(snapshot, query)).as("%s", query).isEqualTo(perRequest(snapshot, query));
        }
        assertThat(kept(NewsSnapshot.EMPTY, new NewsQuery(Long.MAX_VALUE, null, 21))).isEqualTo("[]");
    }

    @Test
    void aNewSnapshotIsServedAtOnce() {
        NewsQuery query = new NewsQuery(Long.MAX_VALUE, null, 3);
        NewsSnapshot before = snapshot(10, "before");
        NewsSnapshot after = snapshot(10, "after");

        assertThat(kept(before, query)).contains("before").isEqualTo(perRequest(before, query));
        assertThat(kept(after, query)).contains("after").doesNotContain("before").isEqualTo(perRequest(after, query));
        assertThat(kept(before, query)).isEqualTo(perRequest(before, query));
    }
}
