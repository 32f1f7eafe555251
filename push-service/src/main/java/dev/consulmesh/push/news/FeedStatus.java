package dev.consulmesh.push.news;

import java.time.Instant;

/**
 * How the news feed is doing, for health reports.
 *
 * @param location            the feed's configured location
 * @param items               how many items are being served
 * @param lastRefresh         when the feed last loaded successfully, or {@code null} if it never has
 * @param lastFailure         why the refreshes since the last success failed (the latest one), or {@code null} if the
 *                            latest refresh succeeded
 * @param consecutiveFailures how many refreshes in a row have failed
 */
public record FeedStatus(String location, int items, Instant lastRefresh, RefreshFailure lastFailure,
                         int consecutiveFailures) {

    /**
     * One failed refresh.
     *
     * @param at      when it failed
     * @param message what failed, naming the feed's location
     */
    public record RefreshFailure(Instant at, String message) {
    }

    /** Whether there is a feed to serve at all: some refresh has succeeded. */
    public boolean hasFeed() {
        return lastRefresh != null;
    }
}
