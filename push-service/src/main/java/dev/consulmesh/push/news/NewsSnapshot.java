package dev.consulmesh.push.news;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable set of news items, kept sorted {@link NewsItem#NEWEST_FIRST}, so that answering a query is a binary
 * search for the cursor followed by a slice.
 */
public final class NewsSnapshot {

    /** The snapshot served before any feed has loaded. */
    public static final NewsSnapshot EMPTY = new NewsSnapshot(List.of(), null);

    private final List<NewsItem> items;
    private final Instant loadedAt;

    private NewsSnapshot(List<NewsItem> items, Instant loadedAt) {
        this.items = items;
        this.loadedAt = loadedAt;
    }

    /**
     * Sorts the items into a snapshot. When several items have the same id (a feed that repeats an entry), the
     * first one wins: ids must be unique for the paging order to be total.
     *
     * @param items    the items in any order
     * @param loadedAt when the items were read from their feed
     */
    public static NewsSnapshot of(Collection<NewsItem> items, Instant loadedAt) {
        Objects.requireNonNull(loadedAt, "loadedAt");
        Set<String> seen = new HashSet<>();
        List<NewsItem> unique = new ArrayList<>(items.size());
        for (NewsItem item : items) {
            if (seen.add(item.id())) {
                unique.add(item);
            }
        }
        unique.sort(NewsItem.NEWEST_FIRST);
        return new NewsSnapshot(List.copyOf(unique), loadedAt);
    }

    /**
     * The page for a query: items strictly older than the query's cursor, newest first, at most
     * {@link NewsQuery#limit()} of them. "Older" means {@code publishedAt < latestTime}, or
     * {@code publishedAt == latestTime && id < beforeId} when the query has a {@code beforeId}.
     */
    public List<NewsItem> latest(NewsQuery query) {
        int from = pageStart(query);
        return items.subList(from, Math.min(items.size(), from + query.limit()));
    }

    /** Where the page of {@link #latest(NewsQuery)} starts in {@link #items()}. */
    public int pageStart(NewsQuery query) {
        return firstOlderThan(query.latestTime(), query.beforeId());
    }

    /** All items, newest first. */
    public List<NewsItem> items() {
        return items;
    }

    public int size() {
        return items.size();
    }

    /** When these items were read from the feed; {@code null} only for {@link #EMPTY}. */
    public Instant loadedAt() {
        return loadedAt;
    }

    /** The index of the first item (in newest-first order) that is older than the cursor. */
    private int firstOlderThan(long latestTime, String beforeId) {
        int low = 0;
        int high = items.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (isOlder(items.get(mid), latestTime, beforeId)) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    private static boolean isOlder(NewsItem item, long latestTime, String beforeId) {
        if (item.publishedAt() != latestTime) {
            return item.publishedAt() < latestTime;
        }
        return beforeId != null && item.id().compareTo(beforeId) < 0;
    }
}
