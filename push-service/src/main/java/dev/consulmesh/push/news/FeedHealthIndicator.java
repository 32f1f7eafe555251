package dev.consulmesh.push.news;

import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports the news feed: UP while there is news to serve, DOWN only if no feed has ever loaded.
 *
 * <p>A node whose refreshes fail still serves its last good feed, and stale news beats no news, so it stays UP with
 * a {@code warning} detail saying since when it serves old news and why the refresh failed.
 */
public final class FeedHealthIndicator implements HealthIndicator {

    private final NewsFeed feed;

    public FeedHealthIndicator(NewsFeed feed) {
        this.feed = Objects.requireNonNull(feed, "feed");
    }

    @Override
    public Health health() {
        FeedStatus status = feed.status();
        Health.Builder health = status.hasFeed() ? Health.up() : Health.down();
        health.withDetail("location", status.location())
                .withDetail("items", status.items());
        if (status.hasFeed()) {
            health.withDetail("lastRefresh", status.lastRefresh().toString());
        }
        FeedStatus.RefreshFailure failure = status.lastFailure();
        if (failure != null) {
            health.withDetail("lastFailure", failure.at().toString())
                    .withDetail("consecutiveFailures", status.consecutiveFailures());
            if (status.hasFeed()) {
                health.withDetail("warning", "serving the last good feed from " + status.lastRefresh()
                        + "; refresh failed: " + failure.message());
            } else {
                health.withDetail("error", "no feed has loaded yet; last attempt failed: " + failure.message());
            }
        } else if (!status.hasFeed()) {
            health.withDetail("error", "no feed has loaded yet");
        }
        return health.build();
    }
}
