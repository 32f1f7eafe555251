package dev.consulmesh.push.tcp;

import dev.consulmesh.push.news.NewsItem;
import dev.consulmesh.push.news.NewsQuery;
import dev.consulmesh.push.news.NewsSnapshot;
import dev.consulmesh.transport.wire.PacketCodec;
import tools.jackson.databind.JsonNode;

import java.util.List;

/**
 * Pages of news as the JSON the node answers with, made of items serialized once per snapshot: a snapshot
 * never changes and a refresh of the feed replaces it, so the text kept for one can never be staler than
 * the feed. The answer is the same JSON as the page's items serialized as a list on each request.
 */
final class SerializedNews {

    /** The items of one snapshot as JSON text, in the snapshot's order. */
    private record Serialized(NewsSnapshot snapshot, String[] items) {
    }

    private final PacketCodec codec;
    private volatile Serialized current = new Serialized(NewsSnapshot.EMPTY, new String[0]);

    SerializedNews(PacketCodec codec) {
        this.codec = codec;
    }

    /** The query's page of the snapshot, as {@code snapshot.latest(query)} serialized, ready for the answer packet. */
    JsonNode page(NewsSnapshot snapshot, NewsQuery query) {
        String[] items = of(snapshot);
        int from = snapshot.pageStart(query);
        int to = Math.min(items.length, from + query.limit());
        int length = 2;
        for (int i = from; i < to; i++) {
            length += items[i].length() + 1;
        }
        StringBuilder json = new StringBuilder(length).append('[');
        for (int i = from; i < to; i++) {
            if (i > from) {
                json.append(',');
            }
            json.append(items[i]);
        }
        return codec.serializedText(json.append(']').toString());
    }

    private String[] of(NewsSnapshot snapshot) {
        Serialized known = current;
        if (known.snapshot() == snapshot) {
            return known.items();
        }
        // A new snapshot: serialized once here (two requests that meet it at once may both do it; either result is right).
        List<NewsItem> items = snapshot.items();
        String[] serialized = new String[items.size()];
        for (int i = 0; i < serialized.length; i++) {
            serialized[i] = codec.serializedJson(items.get(i));
        }
        current = new Serialized(snapshot, serialized);
        return serialized;
    }
}
