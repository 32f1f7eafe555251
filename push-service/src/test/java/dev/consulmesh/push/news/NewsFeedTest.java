package dev.consulmesh.push.news;

import static dev.consulmesh.push.news.TestFeeds.item;
import static dev.consulmesh.push.news.TestFeeds.rss;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NewsFeedTest {

    private static final Instant T = Instant.parse("2026-11-17T10:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    /** A clock the test moves by hand. */
    private static final class SteppingClock extends Clock {
        private volatile Instant now;

        SteppingClock(Instant start) {
            now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void refreshLoadsTheFeedAndReportsIt() throws Exception {
        Path file = Files.writeString(dir.resolve("feed.xml"), rss("Wire",
                item("a", "A", "https://news.example.com/a", T), item("b", "B", "https://news.example.com/b", T)));
        SteppingClock clock = new SteppingClock(Instant.parse("2026-11-17T12:00:00Z"));
        NewsFeed feed = new NewsFeed(new FeedSource(file.toString(), TIMEOUT), clock);

        assertThat(feed.status().hasFeed()).isFalse();
        assertThat(feed.latest(NewsQuery.firstPage(Long.MAX_VALUE, 10))).isEmpty();

        FeedStatus status = feed.refresh();

        assertThat(status).isEqualTo(new FeedStatus(file.toString(), 2, clock.instant(), null, 0));
        assertThat(feed.latest(NewsQuery.firstPage(Long.MAX_VALUE, 10))).extracting(NewsItem::title)
                .containsExactlyInAnyOrder("A", "B");
    }

    @Test
    void failedRefreshKeepsTheLastGoodSnapshotAndReportsTheFailure() throws Exception {
        Path file = Files.writeString(dir.resolve("feed.xml"), rss("Wire", item("a", "A", null, T)));
        SteppingClock clock = new SteppingClock(Instant.parse("2026-11-17T12:00:00Z"));
        NewsFeed feed = new NewsFeed(new FeedSource(file.toString(), TIMEOUT), clock);
        feed.refresh();
        Instant goodLoad = clock.instant();
        NewsSnapshot good = feed.snapshot();

        Files.writeString(file, "<rss><channel><title>truncated", StandardCharsets.UTF_8);
        clock.advance(Duration.ofMinutes(5));
        FeedStatus afterFirstFailure = feed.refresh();
        clock.advance(Duration.ofMinutes(5));
        FeedStatus afterSecondFailure = feed.refresh();

        assertThat(feed.snapshot()).isSameAs(good);
        assertThat(feed.latest(NewsQuery.firstPage(Long.MAX_VALUE, 10))).extracting(NewsItem::title)
                .containsExactly("A");
        assertThat(afterFirstFailure.lastRefresh()).isEqualTo(goodLoad);
        assertThat(afterFirstFailure.consecutiveFailures()).isEqualTo(1);
        assertThat(afterSecondFailure.hasFeed()).isTrue();
        assertThat(afterSecondFailure.items()).isEqualTo(1);
        assertThat(afterSecondFailure.lastRefresh()).isEqualTo(goodLoad);
        assertThat(afterSecondFailure.consecutiveFailures()).isEqualTo(2);
        assertThat(afterSecondFailure.lastFailure().at()).isEqualTo(clock.instant());
        assertThat(afterSecondFailure.lastFailure().message())
                .startsWith("News feed " + file + " is not a readable RSS or Atom document");

        Files.writeString(file, rss("Wire", item("a", "A", null, T), item("b", "B", null, T.plusSeconds(1))));
        clock.advance(Duration.ofMinutes(5));
        FeedStatus recovered = feed.refresh();

        assertThat(recovered).isEqualTo(new FeedStatus(file.toString(), 2, clock.instant(), null, 0));
    }

    @Test
    void failureBeforeAnyLoadLeavesNothingToServe() {
        Path missing = dir.resolve("missing.xml");
        NewsFeed feed = new NewsFeed(new FeedSource(missing.toString(), TIMEOUT));

        FeedStatus status = feed.refresh();

        assertThat(status.hasFeed()).isFalse();
        assertThat(status.items()).isZero();
        assertThat(status.lastFailure().message()).contains(missing.toString(), "does not exist");
        assertThat(feed.snapshot()).isSameAs(NewsSnapshot.EMPTY);
    }

    @Test
    void concurrentRefreshesShareOneLoad() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        CountDownLatch firstRequestArrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.createContext("/feed.xml", exchange -> {
            requests.incrementAndGet();
            firstRequestArrived.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = rss("Wire", item("a", "A", null, T)).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/feed.xml";
            NewsFeed feed = new NewsFeed(new FeedSource(url, TIMEOUT));

            List<Future<FeedStatus>> results = new ArrayList<>();
            results.add(callers.submit(feed::refresh));
            assertThat(firstRequestArrived.await(5, TimeUnit.SECONDS)).isTrue();
            CountDownLatch lateCallersStarted = new CountDownLatch(3);
            List<Thread> lateCallers = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int i = 0; i < 3; i++) {
                results.add(callers.submit(() -> {
                    lateCallers.add(Thread.currentThread());
                    lateCallersStarted.countDown();
                    return feed.refresh();
                }));
            }
            assertThat(lateCallersStarted.await(5, TimeUnit.SECONDS)).isTrue();
            // Release the first load only once every late caller is parked inside refresh(), waiting for it.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (lateCallers.stream().anyMatch(t -> t.getState() == Thread.State.RUNNABLE) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(lateCallers).allMatch(t -> t.getState() != Thread.State.RUNNABLE);
            release.countDown();

            for (Future<FeedStatus> result : results) {
                assertThat(result.get(5, TimeUnit.SECONDS).items()).isEqualTo(1);
            }
            assertThat(requests.get()).isEqualTo(1);
        } finally {
            release.countDown();
            callers.shutdownNow();
            server.stop(0);
            serverThreads.shutdownNow();
        }
    }
}
