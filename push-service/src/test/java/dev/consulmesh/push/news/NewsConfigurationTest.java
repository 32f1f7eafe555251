package dev.consulmesh.push.news;

import static dev.consulmesh.push.news.TestFeeds.item;
import static dev.consulmesh.push.news.TestFeeds.rss;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@link NewsConfiguration} in a plain application context: properties, start-up load, refresher, health. */
class NewsConfigurationTest {

    private static final Instant T = Instant.parse("2026-11-17T10:00:00Z");

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(NewsConfiguration.class);

    @TempDir
    Path dir;

    @Test
    void defaultsServeTheBundledFeed() throws Exception {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            NewsProperties properties = context.getBean(NewsProperties.class);
            assertThat(properties.getUrl()).isEqualTo("classpath:feeds/sample-news.xml");
            assertThat(properties.getRefreshInterval()).hasMinutes(5);
            assertThat(properties.getRequestTimeout()).hasSeconds(10);
            assertThat(context.getBean(NewsFeed.class).status().items()).isGreaterThan(50);
            assertThat(context.getBean(FeedHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
            assertThat(context.getBean(NewsFeedRefresher.class).isRunning()).isTrue();
            assertThat(refresherThreadAlive()).isTrue();
        });
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (refresherThreadAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(refresherThreadAlive()).as("refresh thread after the context closed").isFalse();
    }

    @Test
    void refreshesAtTheConfiguredInterval() throws Exception {
        Path file = Files.writeString(dir.resolve("feed.xml"), rss("Wire", item("a", "A", null, T)));
        runner.withPropertyValues("push.feed.url=" + file, "push.feed.refresh-interval=100ms").run(context -> {
            NewsFeed feed = context.getBean(NewsFeed.class);
            Files.writeString(file, rss("Wire", item("a", "A", null, T), item("b", "B", null, T)));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (feed.status().items() != 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(feed.status().items()).isEqualTo(2);
        });
    }

    @Test
    void startupFailsNamingThePropertyWhenTheFirstLoadFails() {
        Path missing = dir.resolve("missing.xml");
        runner.withPropertyValues("push.feed.url=" + missing).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("push.feed.url=" + missing)
                    .hasMessageContaining("does not exist")
                    .hasMessageContaining("has no news to serve");
        });
    }

    @Test
    void unsupportedUrlFailsNamingTheProperty() {
        runner.withPropertyValues("push.feed.url=ftp://news.example.com/feed.xml").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("unsupported scheme");
            assertThat(messages(context.getStartupFailure())).contains("push.feed.url=ftp://news.example.com/feed.xml");
        });
    }

    @Test
    void nonPositiveDurationsFailNamingTheProperty() {
        runner.withPropertyValues("push.feed.refresh-interval=0s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure()))
                    .contains("push.feed.refresh-interval must be a positive duration");
        });
        runner.withPropertyValues("push.feed.request-timeout=-1s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure()))
                    .contains("push.feed.request-timeout must be a positive duration");
        });
        runner.withPropertyValues("push.feed.url= ").run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure())).contains("push.feed.url must name an RSS or Atom feed");
        });
    }

    private static boolean refresherThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().equals(NewsFeedRefresher.THREAD_NAME) && thread.isAlive());
    }

    /** Every message in the cause chain, with suppressed ones, as one string. */
    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
            Arrays.stream(t.getSuppressed()).forEach(s -> all.append(s.getMessage()).append('\n'));
        }
        return all.toString();
    }
}
