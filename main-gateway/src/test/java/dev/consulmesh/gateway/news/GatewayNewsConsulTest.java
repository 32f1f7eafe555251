package dev.consulmesh.gateway.news;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.consulmesh.gateway.GatewayApplication;
import dev.consulmesh.testsupport.TestConsul;
import dev.consulmesh.testsupport.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
        gateway = new SpringApplicationBuilder(GatewayApplication.class).run(
                "--server.port=0", "--management.server.port=0",
                "--spring.cloud.consul.host=" + consul.host(),
                "--spring.cloud.consul.port=" + consul.httpPort(),
                "--mesh.registration.advertised-host=127.0.0.1",
                "--mesh.registration.check-interval=500ms",
                "--mesh.registration.drain-period=0s",
                // One attempt per call for the whole deadline: these tests are about answers, not retries,
                // and the slow node may hold an answer up to 2.5 s on a busy machine.
                "--mesh.client.request-timeout=5s",
                "--mesh.client.attempt-timeout=5s");
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
        assertThat(body.at("/items/2/id").asText()).isEqualTo("item3");
        assertThat(body.at("/next/latestTime").asLong()).isEqualTo(1_700_000_000_000L - 3000);
        assertThat(body.at("/next/beforeId").asText()).isEqualTo("item3");
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
            assertThat(body.get("message").asText()).containsAnyOf("latestTime", "limit");
            assertThat(response.body()).doesNotContain("at dev.", "Exception");
        }
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
        assertThat(JSON.readTree(response.body()).get("message").asText()).contains("no answer from 127.0.0.1:");
    }

    @Test
    void aNodeThatAnswersWithAnErrorGets502NamingIt() throws Exception {
        HttpResponse<String> response = get("?latestTime=" + FakeNewsNode.FAIL);
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(response.body()).get("message").asText()).contains("latestTime must be");
    }

    @Test
    void theGatewayRegistersItselfWithAnHttpCheckThatPasses() throws Exception {
        await().atMost(Duration.ofSeconds(15)).until(() -> passing("main-gateway") == 1);
        JsonNode entry = JSON.readTree(consul.http().get("/v1/health/service/main-gateway")).get(0);
        assertThat(entry.at("/Service/Port").asInt()).isEqualTo(port);
        assertThat(entry.at("/Service/ID").asText()).isEqualTo("main-gateway-127.0.0.1-" + port);
        boolean httpCheck = false;
        for (JsonNode check : entry.get("Checks")) {
            httpCheck |= check.get("Type").asText().equals("http");
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
