package dev.consulmesh.push.news;

import java.util.Comparator;
import java.util.Objects;

/**
 * One news story as push-service serves it. Jackson writes it with exactly these property names:
 * {@code id, title, summary, url, source, publishedAt}.
 *
 * @param id          16 hex digits, the same on every node that reads the same feed: the start of the SHA-256 of the
 *                    entry's guid (Atom: id), else of its link, else of its title and publication time
 * @param title       the entry's title, or an empty string when the feed has none
 * @param summary     the entry's description as plain text (markup removed), or an empty string
 * @param url         the entry's link, or an empty string when the feed has none
 * @param source      the name of the publication: the entry's own {@code <source>}, else the feed's title
 * @param publishedAt when the entry was published (else last updated), in epoch milliseconds
 */
public record NewsItem(String id, String title, String summary, String url, String source, long publishedAt) {

    /**
     * The order in which news is served and paged: newest first, and among items published at the same
     * millisecond, the greater id first. Total, because ids are unique within a snapshot.
     */
    public static final Comparator<NewsItem> NEWEST_FIRST =
            Comparator.comparingLong(NewsItem::publishedAt).thenComparing(NewsItem::id).reversed();

    public NewsItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(source, "source");
    }
}
