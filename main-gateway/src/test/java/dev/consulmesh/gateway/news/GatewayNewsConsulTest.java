package dev.consulmesh.gateway.news;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.gateway.GatewayApplication;
import dev.consulmesh.testsupport.TestConsul;
import dev.consulmesh.testsupport.TestNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway application against a real Consul agent and two TCP nodes of the mesh's own transport:
 * answers, paging cursor, errors as JSON with the right status, self-registration, and that it does
 * not hold a thread per request.
 */
class GatewayNewsConsulTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Requests for the news route that reached WebFlux, and not the direct route below it. */
    private static final WebFluxRequests WEBFLUX_NEWS_REQUESTS = new WebFluxRequests("/fetchLatestNews");
    private static TestConsul consul;
    private static FakeNewsNode handlers;
    private static TestNode nodeA;
    private static TestNode nodeB;
    private static ConfigurableApplicationContext gateway;
    private static HttpClient http;
    private static int port;

    @BeforeAll
    static void start() {
        consul = TestConsul.start();
        handlers = new FakeNewsNode();
        nodeA = TestNode.start(consul, "push-service", handlers);
        nodeB = TestNode.start(consul, "push-service", handlers);
        gateway = new SpringApplicationBuilder(GatewayApplication.class)
                .initializers(context -> context.getBeanFactory().registerSingleton("webFluxNewsRequests", WEBFLUX_NEWS_REQUESTS))
                .run(
                "--server.port=0", "--management.server.port=0",
                "--spring.cloud.consul.host=" + consul.host(),
                "--spring.cloud.consul.port=" + consul.httpPort(),
                "--mesh.registration.advertised-host=127.0.0.1",
                "--mesh.registration.check-interval=500ms",
                "--mesh.registration.drain-period=0s",
                "--gateway.news.expose-node=true",
                // One attempt per call for the whole deadline: these tests are about answers, not retries,
                // and the slow node may hold an answer up to 2.5 s on a busy machine.
                "--mesh.client.request-timeout=5s",
                "--mesh.client.attempt-timeout=5s",
                "--mesh.client.adaptive-attempt-timeout.enabled=false",
                // Requests one at a time, asserted to reach both nodes: round robin alternates, while
                // peak-EWMA (the default) sends each to the node that has answered faster.
                "--mesh.client.strategy=round-robin");
        port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        await().atMost(Duration.ofSeconds(15)).until(() -> passing("push-service") == 2);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        for (TestNode node : new TestNode[] {nodeA, nodeB}) {
            if (node != null) {
                node.close();
            }
        }
        if (consul != null) {
            consul.close();
        }
    }

    private static int passing(String service) throws Exception {
        return JSON.readTree(consul.http().get("/v1/health/service/" + service + "?passing")).size();
    }

    private static HttpResponse<String> get(String query) throws Exception {
        return http.send(request(query), HttpResponse.BodyHandlers.ofString());
    }

    record RawHttpResponse(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.getOrDefault(name, "");
        }
    }

    /** GET with the target written byte for byte as given; reads the whole response (Connection: close). */
    private static RawHttpResponse rawGet(String target) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int headEnd = raw.indexOf("\r\n\r\n");
            String[] head = raw.substring(0, headEnd < 0 ? raw.length() : headEnd).split("\r\n");
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                if (colon > 0) {
                    headers.put(head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), head[i].substring(colon + 1).trim());
                }
            }
            String body = headEnd < 0 ? "" : raw.substring(headEnd + 4);
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = unchunk(body);
            }
            return new RawHttpResponse(Integer.parseInt(head[0].split(" ")[1]), headers, body);
        }
    }

    private static String unchunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
            if (size == 0) {
                break;
            }
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
        return body.toString();
    }

    private static HttpRequest request(String query) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fetchLatestNews" + query))
                .timeout(Duration.ofSeconds(30)).build();
    }

    @Test
    void answersAPageWithTheNextCursorAndTheNodeThatAnswered() throws Exception {
        HttpResponse<String> response = get("?latestTime=1700000000000&limit=3");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(response.headers().firstValue("X-Push-Node")).hasValueSatisfying(node ->
                assertThat(node).isIn(nodeA.instanceId(), nodeB.instanceId()));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("items")).hasSize(3);
        assertThat(body.at("/items/2/id").asString()).isEqualTo("item3");
        assertThat(body.at("/next/latestTime").asLong()).isEqualTo(1_700_000_000_000L - 3000);
        assertThat(body.at("/next/beforeId").asString()).isEqualTo("item3");
    }

    /**
     * A plain request is answered below WebFlux (DirectNewsRoute); the same request with one letter of a
     * parameter's name percent-encoded goes through WebFlux. Both give the same status, headers and body,
     * and count in one http.server.requests series.
     */
    @Test
    void theDirectRouteAnswersAsWebFluxDoes() throws Exception {
        MeterRegistry meters = gateway.getBean(MeterRegistry.class);
        for (String query : List.of("latestTime=1700000000000&limit=3", "latestTime=" + FakeNewsNode.FAIL)) {
            String viaWebFlux = query.replaceFirst("latestTime", "latestTim%65");
            int status = query.contains("limit") ? 200 : 502;
            double timedBefore = timed(meters, status);
            int webFluxBefore = WEBFLUX_NEWS_REQUESTS.count();

            RawHttpResponse direct = rawGet("/fetchLatestNews?" + query);
            assertThat(WEBFLUX_NEWS_REQUESTS.count()).as("%s: answered below WebFlux", query).isEqualTo(webFluxBefore);
            RawHttpResponse webFlux = rawGet("/fetchLatestNews?" + viaWebFlux);
            assertThat(WEBFLUX_NEWS_REQUESTS.count()).as("%s: answered by WebFlux", viaWebFlux).isEqualTo(webFluxBefore + 1);

            assertThat(direct.status()).as(query).isEqualTo(webFlux.status()).isEqualTo(status);
            Map<String, String> directHeaders = new HashMap<>(direct.headers());
            Map<String, String> webFluxHeaders = new HashMap<>(webFlux.headers());
            assertThat(directHeaders.remove("x-push-node") != null).isEqualTo(webFluxHeaders.remove("x-push-node") != null);
            assertThat(directHeaders).as(query).isEqualTo(webFluxHeaders);
            assertThat(direct.body()).as(query).isEqualTo(webFlux.body());
            assertThat(meters.find("http.server.requests").tag("uri", "/fetchLatestNews").tag("status", String.valueOf(status))
                    .timers()).as("one series for both").hasSize(1);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(timed(meters, status)).as("%s timed", query).isEqualTo(timedBefore + 2));
        }
    }

    private static double timed(MeterRegistry meters, int status) {
        return meters.find("http.server.requests").tag("uri", "/fetchLatestNews").tag("status", String.valueOf(status))
                .timers().stream().mapToLong(Timer::count).sum();
    }

    @Test
    void theManagementPortDoesNotServeTheNewsRoute() throws Exception {
        int management = gateway.getEnvironment().getProperty("local.management.port", Integer.class);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + management + "/fetchLatestNews?limit=1")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void theLastPageHasNoNextCursor() throws Exception {
        JsonNode body = JSON.readTree(get("?latestTime=1700000000000&limit=" + FakeNewsNode.ITEMS).body());
        assertThat(body.get("items")).hasSize(FakeNewsNode.ITEMS);
        assertThat(body.has("next")).isFalse();
    }

    @Test
    void callsAreSpreadOverBothNodes() throws Exception {
        Set<String> answeredBy = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = get("");
            assertThat(response.statusCode()).isEqualTo(200);
            answeredBy.add(response.headers().firstValue("X-Push-Node").orElseThrow());
        }
        assertThat(answeredBy).containsExactlyInAnyOrder(nodeA.instanceId(), nodeB.instanceId());
    }

    @Test
    void aBadParameterGets400WithAJsonErrorNamingIt() throws Exception {
        for (String query : List.of("?latestTime=abc", "?limit=0", "?limit=7&limit=8", "?latestTime=-1")) {
            HttpResponse<String> response = get(query);
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.get("status").asInt()).isEqualTo(400);
            assertThat(body.get("message").asString()).containsAnyOf("latestTime", "limit");
            assertThat(response.body()).doesNotContain("at dev.", "Exception");
        }
    }

    /**
     * Whatever the query holds, a bad one gets a 400 JSON error naming the parameter and never a stack
     * trace. Sent over a raw socket, so encodings an HTTP client would refuse to send arrive as they are.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "limit=",                                  // empty
            "limit",                                   // no value at all
            "limit=5&limit=5",                         // repeated
            "latestTime=1700000000000&latestTime=1700000000001",
            "limt=5",                                  // unknown (a typo): rejected, not ignored
            "latestTime=1700000000000&beforeId=a&debug=true",
            "latestTime=1700000000000&beforeId=%FF%FE%FD",         // percent-encoded bytes that are not UTF-8
            "latestTime=1700000000000&beforeId=%C3",               // a UTF-8 sequence cut short
            "latestTime=1700000000000&beforeId=%ZZ",               // not percent-encoding at all
            "limit=%",
            "latestTime=12%00",                        // NUL
            "latestTime=1700000000000&beforeId=%3Cscript%3E",
            "limit=1e2",
            "limit=-0",
            "latestTime=+1",
            "%FF=1",                                   // a name that is not UTF-8
            "=",                                       // a parameter without a name
            "=5",
            "&&&",                                     // empty parameters
            "limit=5&",
            "&limit=5",
    })
    void aBadMalformedOrUnknownParameterGets400AsJsonWithoutAStackTrace(String query) throws Exception {
        RawHttpResponse response = rawGet("/fetchLatestNews?" + query);

        assertThat(response.status()).as("%s -> %s", query, response.body()).isEqualTo(400);
        assertThat(response.header("content-type")).startsWith("application/json");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("status").asInt()).isEqualTo(400);
        assertThat(body.get("message").asString()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception", "\tat ", "at dev.", "at org.", "at java.");
    }

    @Test
    void aParameterOfTenKilobytesGets400NamingItWithoutEchoingIt() throws Exception {
        for (String query : List.of("latestTime=" + "9".repeat(10_000), "limit=" + "1".repeat(10_000),
                "latestTime=1700000000000&beforeId=" + "a".repeat(10_000), "x".repeat(10_000) + "=1")) {
            RawHttpResponse response = rawGet("/fetchLatestNews?" + query);

            assertThat(response.status()).as(query.substring(0, 20)).isEqualTo(400);
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.get("message").asString()).hasSizeLessThan(300);
            assertThat(response.body()).doesNotContain("Exception", "at dev.", "at org.");
        }
    }

    /**
     * Beyond the request line the HTTP server reads at all (server.netty.max-initial-line-length), the server
     * refuses it by itself (414, or a reset while the rest is still being sent), never with a stack trace,
     * and goes on serving.
     */
    @Test
    void aRequestLineOverTheServersLimitIsRefusedWithoutAStackTrace() throws Exception {
        try {
            RawHttpResponse response = rawGet("/fetchLatestNews?latestTime=1700000000000&beforeId=" + "a".repeat(100_000));
            assertThat(response.status()).isIn(400, 413, 414);
            assertThat(response.body()).doesNotContain("Exception", "at dev.", "at org.");
        } catch (SocketException refusedWhileSending) {
            // the server closed the connection on the oversized line before it could read our whole request
        }

        assertThat(get("?limit=1").statusCode()).isEqualTo(200);
    }

    @Test
    void unknownPathsAndEndpointsNotExposedGet404AsJson() throws Exception {
        for (String path : List.of("/nope", "/actuator/metrics", "/actuator/env")) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).doesNotContain("Exception", "at org.");
        }
    }

    @Test
    void aNodeThatDoesNotAnswerInTimeGets504() throws Exception {
        HttpResponse<String> response = get("?latestTime=" + FakeNewsNode.NEVER_ANSWER);
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).get("detail").asString()).isEqualTo("push-service did not answer in time");
    }

    @Test
    void aNodeThatAnswersWithAnErrorGets502WithoutTheNodesInternals() throws Exception {
        HttpResponse<String> response = get("?latestTime=" + FakeNewsNode.FAIL);
        assertThat(response.statusCode()).isEqualTo(502);
        // the node's address and what it said stay in the log and /actuator/mesh (mesh.web.problems.show-details)
        assertThat(JSON.readTree(response.body()).get("detail").asString()).isEqualTo("push-service answered with an error");
        assertThat(response.body()).doesNotContain("127.0.0.1", "latestTime must be");
    }

    @Test
    void theGatewayRegistersItselfWithAnHttpCheckThatPasses() throws Exception {
        await().atMost(Duration.ofSeconds(15)).until(() -> passing("main-gateway") == 1);
        JsonNode entry = JSON.readTree(consul.http().get("/v1/health/service/main-gateway")).get(0);
        assertThat(entry.at("/Service/Port").asInt()).isEqualTo(port);
        assertThat(entry.at("/Service/ID").asString()).isEqualTo("main-gateway-127.0.0.1-" + port);
        boolean httpCheck = false;
        for (JsonNode check : entry.get("Checks")) {
            httpCheck |= check.get("Type").asString().equals("http");
        }
        assertThat(httpCheck).isTrue();
    }

    @Test
    void manyMoreSlowCallsInFlightThanTheGatewayHasThreadsAllComplete() throws Exception {
        int gatewayThreads = Thread.activeCount(); // every thread of this JVM bounds the gateway's from above
        assertThat(gatewayThreads).as("threads, below the slow node's release point").isLessThan(FakeNewsNode.SLOW_RELEASE_AT);
        int calls = 2 * FakeNewsNode.SLOW_RELEASE_AT;
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            responses.add(http.sendAsync(request("?latestTime=" + FakeNewsNode.SLOW), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> response : responses) {
            assertThat(response.get().statusCode()).isEqualTo(200);
        }
        System.out.printf("%d slow calls, at most %d in flight at the nodes at once, %d threads in the JVM%n",
                calls, handlers.maxInFlight(), gatewayThreads);
        // A gateway that held a thread per waiting request could never have more in flight than it has threads;
        // the node holds every slow answer until SLOW_RELEASE_AT requests wait at once.
        assertThat(handlers.maxInFlight()).isGreaterThanOrEqualTo(FakeNewsNode.SLOW_RELEASE_AT);
    }
}
