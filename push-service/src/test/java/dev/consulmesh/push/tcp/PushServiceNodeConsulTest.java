package dev.consulmesh.push.tcp;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import dev.consulmesh.push.PushServiceApplication;
import dev.consulmesh.push.news.NewsFeed;
import dev.consulmesh.testsupport.TestConsul;
import dev.consulmesh.transport.client.RemoteErrorException;
import dev.consulmesh.transport.client.TcpClient;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.server.TcpServer;
import dev.consulmesh.transport.wire.PacketCodec;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A push-service node (the Spring application, in this JVM) against a real Consul agent, called over
 * TCP exactly as the gateway or a NestJS client would.
 */
class PushServiceNodeConsulTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static TestConsul consul;
    private static ConfigurableApplicationContext node;
    private static NioEventLoopGroup group;
    private static TcpClient client;

    @BeforeAll
    static void start() {
        consul = TestConsul.start();
        node = new SpringApplicationBuilder(PushServiceApplication.class).run(
                "--server.port=0",
                "--push.tcp.port=0",
                "--push.tcp.host=127.0.0.1",
                "--push.tcp.advertised-host=127.0.0.1",
                "--spring.cloud.consul.host=" + consul.host(),
                "--spring.cloud.consul.port=" + consul.httpPort(),
                "--mesh.registration.check-interval=500ms",
                "--mesh.registration.drain-period=0s");
        group = new NioEventLoopGroup(1);
        client = new TcpClient("127.0.0.1", node.getBean(TcpServer.class).port(), TcpClientOptions.defaults(), group,
                new PacketCodec(JSON));
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (group != null) {
            group.shutdownGracefully();
        }
        if (node != null) {
            node.close();
        }
        if (consul != null) {
            consul.close();
        }
    }

    private static JsonNode fetch(JsonNode data) {
        return client.send(NODES.stringNode("fetchLatestNews"), data).blockLast(Duration.ofSeconds(10));
    }

    @Test
    void registersAsPushServiceWithItsTcpPortAndATcpCheckThatPasses() throws Exception {
        int port = node.getBean(TcpServer.class).port();
        String id = "push-service-127.0.0.1-" + port;
        JsonNode service = JSON.readTree(consul.http().get("/v1/agent/services")).get(id);
        assertThat(service).isNotNull();
        assertThat(service.get("Service").asString()).isEqualTo("push-service");
        assertThat(service.get("Port").asInt()).isEqualTo(port);
        await().atMost(Duration.ofSeconds(15)).until(() ->
                JSON.readTree(consul.http().get("/v1/health/service/push-service?passing")).size() == 1);
    }

    @Test
    void aBareLatestTimeAnswersTheNewestItemsBeforeIt() {
        JsonNode items = fetch(NODES.numberNode(Instant.now().toEpochMilli()));
        assertThat(items.isArray()).isTrue();
        assertThat(items).hasSize(20);
        long previous = Long.MAX_VALUE;
        for (JsonNode item : items) {
            assertThat(item.propertyNames())
                    .containsExactly("id", "title", "summary", "url", "source", "publishedAt");
            assertThat(item.get("publishedAt").asLong()).isLessThanOrEqualTo(previous);
            previous = item.get("publishedAt").asLong();
        }
    }

    @Test
    void pagingBackwardsWithTheLastItemsCursorNeverRepeatsOrSkips() {
        int total = node.getBean(NewsFeed.class).snapshot().size();
        List<String> seen = new ArrayList<>();
        long latestTime = Instant.now().toEpochMilli();
        String beforeId = null;
        while (true) {
            var query = JSON.createObjectNode().put("latestTime", latestTime).put("limit", 7);
            if (beforeId != null) {
                query.put("beforeId", beforeId);
            }
            JsonNode page = fetch(query);
            if (page.isEmpty()) {
                break;
            }
            page.forEach(item -> seen.add(item.get("id").asString()));
            JsonNode last = page.get(page.size() - 1);
            latestTime = last.get("publishedAt").asLong();
            beforeId = last.get("id").asString();
        }
        Set<String> distinct = new HashSet<>(seen);
        assertThat(distinct).hasSize(seen.size());
        assertThat(seen).hasSize(total);
    }

    @Test
    void invalidDataIsAnsweredWithAnRpcErrorNamingTheField() {
        assertThatThrownBy(() -> fetch(JSON.createObjectNode().put("latestTime", "yesterday")))
                .isInstanceOf(RemoteErrorException.class)
                .satisfies(e -> {
                    JsonNode err = ((RemoteErrorException) e).err();
                    assertThat(err.get("status").asString()).isEqualTo("error");
                    assertThat(err.get("message").asString()).contains("latestTime");
                });
        assertThatThrownBy(() -> fetch(JSON.createObjectNode().put("limit", 1000)))
                .isInstanceOf(RemoteErrorException.class)
                .hasMessageContaining("limit");
    }

    @Test
    void anUnknownPatternGetsNestsNoHandlerReply() {
        assertThatThrownBy(() -> client.send(NODES.stringNode("fetchOldNews"), NODES.nullNode()).blockLast(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(RemoteErrorException.class, e -> assertThat(e.isNoHandler()).isTrue());
    }

    @Test
    void theFetchNewsTaskEventRefreshesTheFeed() {
        NewsFeed feed = node.getBean(NewsFeed.class);
        Instant before = feed.status().lastRefresh();
        client.emit(NODES.stringNode("fetchNewsTask"), JSON.createObjectNode()).block(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.status().lastRefresh().isAfter(before));
    }

    @Test
    void healthReportsTheTcpServerAndTheFeed() throws Exception {
        int port = ((WebServerApplicationContext) node).getWebServer().getPort();
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode health = JSON.readTree(response.body());
        assertThat(health.at("/components/tcpServer/status").asString()).isEqualTo("UP");
        assertThat(health.at("/components/newsFeed/status").asString()).isEqualTo("UP");
        // actuator answers on the application's own port carry the library's security headers too
        assertThat(response.headers().firstValue("Content-Security-Policy")).hasValue("default-src 'none'; frame-ancestors 'none'");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }
}
