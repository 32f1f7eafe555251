package dev.consulmesh.push.news;

import static dev.consulmesh.push.news.TestFeeds.item;
import static dev.consulmesh.push.news.TestFeeds.rss;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link FeedSource} against a real JDK HTTP server on 127.0.0.1. */
class FeedSourceHttpTest {

    private static final Instant T = Instant.parse("2026-11-17T10:00:00Z");

    private HttpServer server;
    private ExecutorService serverThreads;
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.start();
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        release.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
        serverThreads.awaitTermination(5, TimeUnit.SECONDS);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void loadsAFeedOverHttpAndFollowsRedirects() {
        AtomicReference<String> accept = new AtomicReference<>();
        server.createContext("/feed.xml", exchange -> {
            accept.set(exchange.getRequestHeaders().getFirst("Accept"));
            respond(exchange, 200, "application/rss+xml; charset=utf-8",
                    rss("HTTP Wire", item("h1", "Über HTTP", "https://news.example.com/h1", T)));
        });
        server.createContext("/moved", exchange -> {
            exchange.getResponseHeaders().add("Location", url("/feed.xml"));
            exchange.sendResponseHeaders(301, -1);
            exchange.close();
        });

        List<NewsItem> items = new FeedSource(url("/moved"), Duration.ofSeconds(5)).load();

        assertThat(items).singleElement().satisfies(item -> {
            assertThat(item.title()).isEqualTo("Über HTTP");
            assertThat(item.source()).isEqualTo("HTTP Wire");
        });
        assertThat(accept.get()).contains("application/rss+xml", "application/atom+xml");
    }

    @Test
    void errorStatusNamesTheUrlAndStatus() {
        server.createContext("/feed.xml", exchange -> respond(exchange, 503, "text/plain", "down for maintenance"));

        assertThatThrownBy(() -> new FeedSource(url("/feed.xml"), Duration.ofSeconds(5)).load())
                .isInstanceOf(FeedLoadException.class)
                .hasMessage("News feed " + url("/feed.xml") + " answered HTTP 503; expected 200 with an RSS or Atom "
                        + "document");
    }

    @Test
    void slowServerTimesOut() {
        server.createContext("/slow.xml", exchange -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });

        long start = System.nanoTime();
        assertThatThrownBy(() -> new FeedSource(url("/slow.xml"), Duration.ofMillis(300)).load())
                .isInstanceOf(FeedLoadException.class)
                .hasMessageStartingWith("News feed " + url("/slow.xml") + " did not answer within PT0.3S");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void refusedConnectionNamesTheUrl() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort + "/feed.xml";

        assertThatThrownBy(() -> new FeedSource(url, Duration.ofSeconds(5)).load())
                .isInstanceOf(FeedLoadException.class)
                .hasMessageStartingWith("Could not fetch news feed " + url + ": ");
    }

    @Test
    void htmlErrorPageWithStatus200IsNotAFeed() {
        server.createContext("/feed.xml",
                exchange -> respond(exchange, 200, "text/html", "<html><body>oops</body></html>"));

        assertThatThrownBy(() -> new FeedSource(url("/feed.xml"), Duration.ofSeconds(5)).load())
                .isInstanceOf(FeedLoadException.class)
                .hasMessageStartingWith("News feed " + url("/feed.xml") + " is not a readable RSS or Atom document");
    }
}
