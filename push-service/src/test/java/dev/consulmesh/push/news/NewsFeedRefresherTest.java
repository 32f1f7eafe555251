package dev.consulmesh.push.news;

import static dev.consulmesh.push.news.TestFeeds.item;
import static dev.consulmesh.push.news.TestFeeds.rss;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link NewsFeedRefresher} refreshing a feed served by a JDK HTTP server on 127.0.0.1. */
class NewsFeedRefresherTest {

    private final AtomicInteger loads = new AtomicInteger();
    private final CountDownLatch firstLoadStarted = new CountDownLatch(1);
    private final CountDownLatch releaseFirstLoad = new CountDownLatch(1);
    private final ExecutorService serverThreads = Executors.newCachedThreadPool();
    private HttpServer server;
    private NewsFeedRefresher refresher;

    @AfterEach
    void stop() {
        releaseFirstLoad.countDown();
        if (refresher != null) {
            refresher.stop();
        }
        if (server != null) {
            server.stop(0);
        }
        serverThreads.shutdownNow();
    }

    /** A peer sending fetchNewsTask events in a loop gets at most one refresh queued behind the running one. */
    @Test
    void refreshRequestsArrivingWhileOneIsQueuedJoinIt() throws Exception {
        startFeedServer();
        refresher = new NewsFeedRefresher(new NewsFeed(new FeedSource(
                "http://127.0.0.1:" + server.getAddress().getPort() + "/feed.xml", Duration.ofSeconds(10))),
                Duration.ofHours(1));
        refresher.start();

        assertThat(refresher.refreshNow()).isTrue();
        assertThat(firstLoadStarted.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 1000; i++) {
            assertThat(refresher.refreshNow()).isTrue();
        }
        releaseFirstLoad.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> loads.get() >= 2);

        // Once the queued refresh has started, a new ask queues one more, and that is the last load.
        assertThat(refresher.refreshNow()).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> loads.get() >= 3);
        assertThat(loads.get()).as("loads: the running one, the 1000 asks joined in one, the last ask").isEqualTo(3);
    }

    private void startFeedServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(serverThreads);
        byte[] feed = rss("News", item("a", "A", "https://news.example.org/a", Instant.parse("2026-11-17T10:00:00Z")))
                .getBytes(StandardCharsets.UTF_8);
        server.createContext("/feed.xml", exchange -> {
            if (loads.incrementAndGet() == 1) {
                firstLoadStarted.countDown();
                try {
                    releaseFirstLoad.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.getResponseHeaders().add("Content-Type", "application/rss+xml");
            exchange.sendResponseHeaders(200, feed.length);
            exchange.getResponseBody().write(feed);
            exchange.close();
        });
        server.start();
    }
}
