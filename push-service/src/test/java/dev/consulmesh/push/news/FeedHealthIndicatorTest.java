package dev.consulmesh.push.news;

import static dev.consulmesh.push.news.TestFeeds.item;
import static dev.consulmesh.push.news.TestFeeds.rss;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class FeedHealthIndicatorTest {

    private static final Instant T = Instant.parse("2026-11-17T10:00:00Z");

    @TempDir
    Path dir;

    private NewsFeed feedFrom(Path file) {
        return new NewsFeed(new FeedSource(file.toString(), Duration.ofSeconds(5)));
    }

    @Test
    void upWithItemsAndLastRefreshWhenTheLastRefreshSucceeded() throws Exception {
        Path file = Files.writeString(dir.resolve("feed.xml"), rss("Wire", item("a", "A", null, T)));
        NewsFeed feed = feedFrom(file);
        FeedStatus status = feed.refresh();

        Health health = new FeedHealthIndicator(feed).health();

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails())
                .containsEntry("items", 1)
                .containsEntry("lastRefresh", status.lastRefresh().toString())
                .containsEntry("location", file.toString())
                .doesNotContainKeys("warning", "error", "lastFailure");
    }

    @Test
    void stillUpButWarnsWhenServingTheLastGoodFeed() throws Exception {
        Path file = Files.writeString(dir.resolve("feed.xml"), rss("Wire", item("a", "A", null, T)));
        NewsFeed feed = feedFrom(file);
        Instant goodLoad = feed.refresh().lastRefresh();
        Files.delete(file);
        feed.refresh();

        Health health = new FeedHealthIndicator(feed).health();

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails())
                .containsEntry("items", 1)
                .containsEntry("consecutiveFailures", 1)
                .containsEntry("warning", "serving the last good feed from " + goodLoad + "; refresh failed: "
                        + "News feed file " + file.toAbsolutePath() + " does not exist");
    }

    @Test
    void downWhenNoFeedHasEverLoaded() {
        Path missing = dir.resolve("missing.xml");
        NewsFeed feed = feedFrom(missing);

        assertThat(new FeedHealthIndicator(feed).health().getDetails())
                .containsEntry("error", "no feed has loaded yet");

        feed.refresh();
        Health health = new FeedHealthIndicator(feed).health();

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("items", 0).doesNotContainKey("lastRefresh");
        assertThat((String) health.getDetails().get("error"))
                .startsWith("no feed has loaded yet; last attempt failed: ")
                .contains(missing.toString());
    }
}
