package dev.consulmesh.gateway.trust;

import com.sun.net.httpserver.HttpServer;
import dev.consulmesh.gateway.GatewayApplication;
import dev.consulmesh.gateway.news.FakeNewsNode;
import dev.consulmesh.gateway.news.WebFluxRequests;
import dev.consulmesh.testsupport.TestConsul;
import dev.consulmesh.testsupport.TestNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's edge against a real Consul agent, with two healthy news nodes (one of them a canary,
 * metadata version=2) and two hostile registrations beside them: an instance id holding CR/LF and an
 * instance with Consul weight 10,000 (both pointing at the healthy node, so a call routed to them would
 * be answered). Tracing exports to a stand-in Zipkin endpoint that counts the spans it receives.
 * The gateway trusts 127.0.0.2 and the secret; the tests' own client is 127.0.0.1.
 */
class EdgeTrustConsulTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "edge-trust-test-secret-0123";
    private static final String CRLF_ID = "push-evil\r\nX-Injected: yes";
    /** Requests for the news route that reached WebFlux, and not the direct route below it. */
    private static final WebFluxRequests WEBFLUX_NEWS_REQUESTS = new WebFluxRequests("/fetchLatestNews");

    private static TestConsul consul;
    private static TestNode stable;
    private static TestNode canary;
    private static HttpServer zipkin;
    private static final List<String> spans = new CopyOnWriteArrayList<>();
    private static ConfigurableApplicationContext gateway;
    private static HttpClient http;
    private static int port;
    private static int management;

    @BeforeAll
    static void start() throws IOException {
        consul = TestConsul.start();
        FakeNewsNode handlers = new FakeNewsNode();
        stable = TestNode.start(consul, "push-service", handlers);
        canary = TestNode.startWith(consul, "push-service", "\"Meta\":{\"version\":\"2\"}", handlers);
        consul.http().put("/v1/agent/service/register", "{\"ID\":\"push-evil\\r\\nX-Injected: yes\",\"Name\":\"push-service\","
                + "\"Address\":\"127.0.0.1\",\"Port\":" + stable.port() + "}");
        consul.http().put("/v1/agent/service/register", "{\"ID\":\"push-heavy\",\"Name\":\"push-service\",\"Address\":\"127.0.0.1\","
                + "\"Port\":" + stable.port() + ",\"Weights\":{\"Passing\":10000,\"Warning\":1}}");
        zipkin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        zipkin.createContext("/api/v2/spans", exchange -> {
            boolean gzip = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
            try (InputStream body = gzip ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
                spans.add(new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        zipkin.start();
        gateway = new SpringApplicationBuilder(GatewayApplication.class)
                .initializers(context -> context.getBeanFactory().registerSingleton("webFluxNewsRequests", WEBFLUX_NEWS_REQUESTS))
                .run(
                "--server.port=0", "--management.server.port=0",
                "--spring.cloud.consul.host=" + consul.host(),
                "--spring.cloud.consul.port=" + consul.httpPort(),
                "--mesh.registration.advertised-host=127.0.0.1",
                "--mesh.registration.check-interval=500ms",
                "--mesh.registration.drain-period=0s",
                // the node header on, as an operator may set it: the CR/LF id must still never reach it
                "--gateway.news.expose-node=true",
                "--gateway.trust.forwarded-headers=X-Canary",
                "--gateway.trust.trusted-networks=127.0.0.2",
                "--gateway.trust.secret=" + SECRET,
                "--mesh.client.services.push-service.canary.meta=version=2",
                "--mesh.client.services.push-service.canary.header=X-Canary",
                "--management.tracing.export.enabled=true",
                "--management.tracing.sampling.probability=0.0",
                "--management.tracing.export.zipkin.endpoint=http://127.0.0.1:" + zipkin.getAddress().getPort() + "/api/v2/spans");
        port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
        management = gateway.getEnvironment().getProperty("local.management.port", Integer.class);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        await().atMost(Duration.ofSeconds(20)).until(() -> JSON.readTree(consul.http().get("/v1/health/service/push-service?passing")).size() == 4);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (zipkin != null) {
            zipkin.stop(0);
        }
        for (TestNode node : new TestNode[] {stable, canary}) {
            if (node != null) {
                node.close();
            }
        }
        if (consul != null) {
            consul.close();
        }
    }

    private static HttpResponse<String> get(String uri, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> news(String... headers) throws Exception {
        return get("http://127.0.0.1:" + port + "/fetchLatestNews?limit=1", headers);
    }

    private static JsonNode mesh() throws Exception {
        return JSON.readTree(get("http://127.0.0.1:" + management + "/actuator/mesh").body()).path("services").path("push-service");
    }

    /** A raw HTTP/1.1 exchange from the given local address: head and body as text. */
    private static String raw(String localAddress, String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(localAddress), 0)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void anInstanceIdWithCrLfBesideHealthyNodesCostsNoCallA500AndIsShownSkipped() throws Exception {
        Map<Integer, Integer> statuses = new TreeMap<>();
        Map<String, Integer> answeredBy = new TreeMap<>();
        for (int i = 0; i < 300; i++) {
            HttpResponse<String> response = news();
            statuses.merge(response.statusCode(), 1, Integer::sum);
            answeredBy.merge(response.headers().firstValue("X-Push-Node").orElse("(none)"), 1, Integer::sum);
        }
        System.out.printf("CR/LF instance beside healthy nodes: 300 calls, statuses %s, answered by %s%n", statuses, answeredBy);
        assertThat(statuses).as("statuses of 300 calls").containsOnlyKeys(200);
        assertThat(answeredBy).doesNotContainKey("(none)").allSatisfy((node, count) -> assertThat(node).doesNotContain("evil"));

        JsonNode service = mesh();
        assertThat(service.path("nodes").findValuesAsString("instanceId")).noneMatch(id -> id.contains("evil"));
        JsonNode registry = service.path("registry");
        System.out.println("/actuator/mesh registry findings: " + registry);
        assertThat(registry.findValues("reason").stream().map(JsonNode::asString)).contains("id-invalid", "weight-clamped");
        JsonNode evil = finding(registry, "id-invalid");
        assertThat(evil.path("instance").asString()).isEqualTo("push-evil\\u000d\\u000aX-Injected: yes");
        assertThat(evil.path("action").asString()).isEqualTo("skipped");

        // Consul weight 10,000 beside 1: clamped to 10 (max-weight-ratio), shown, and its share of the
        // non-canary calls about 10/11 rather than 10,000/10,001.
        JsonNode heavy = finding(registry, "weight-clamped");
        assertThat(heavy.path("instance").asString()).isEqualTo("push-heavy");
        assertThat(heavy.path("detail").asString()).contains("10000").contains("clamped to 10");
        int heavyCalls = answeredBy.getOrDefault("push-heavy", 0);
        System.out.printf("push-heavy (Consul weight 10000, clamped to 10): %d of 300 calls (%.1f %%)%n", heavyCalls, heavyCalls / 3.0);
        assertThat(heavyCalls).isLessThan(290);
        for (JsonNode node : service.path("nodes")) {
            if (node.path("instanceId").asString().equals("push-heavy")) {
                assertThat(node.path("weight").asInt()).isEqualTo(10);
            }
        }

        JsonNode budget = service.path("budget");
        System.out.println("/actuator/mesh budget: " + budget);
        assertThat(budget.path("calls").asLong()).isPositive();
        assertThat(budget.path("allowed").asLong()).isGreaterThanOrEqualTo(budget.path("spent").asLong());
        assertThat(budget.path("hedging").asBoolean()).isFalse();
    }

    private static JsonNode finding(JsonNode registry, String reason) {
        for (JsonNode finding : registry) {
            if (finding.path("reason").asString().equals(reason)) {
                return finding;
            }
        }
        throw new AssertionError("no finding " + reason + " in " + registry);
    }

    @Test
    void aCanaryHeaderFromAnOutsideClientIsIgnoredAndHonouredFromATrustedNetworkOrWithTheSecret() throws Exception {
        String canaryId = canary.instanceId();
        int outsideToCanary = 0;
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> response = news("X-Canary", "1");
            assertThat(response.statusCode()).isEqualTo(200);
            outsideToCanary += response.headers().firstValue("X-Push-Node").orElseThrow().equals(canaryId) ? 1 : 0;
        }
        int secretToCanary = 0;
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = news("X-Canary", "1", "X-Gateway-Trust", SECRET);
            secretToCanary += response.headers().firstValue("X-Push-Node").orElseThrow().equals(canaryId) ? 1 : 0;
        }
        int networkToCanary = 0;
        for (int i = 0; i < 10; i++) {
            String answer = raw("127.0.0.2", "GET /fetchLatestNews?limit=1 HTTP/1.1\r\nHost: gateway\r\nX-Canary: 1\r\nConnection: close\r\n\r\n");
            networkToCanary += answer.contains("X-Push-Node: " + canaryId + "\r\n") || answer.contains("x-push-node: " + canaryId + "\r\n") ? 1 : 0;
        }
        System.out.printf("X-Canary: from 127.0.0.1 %d of 40 calls to the canary; with the secret %d of 20; from 127.0.0.2 (trusted) %d of 10%n",
                outsideToCanary, secretToCanary, networkToCanary);
        assertThat(outsideToCanary).isZero();
        assertThat(secretToCanary).isEqualTo(20);
        assertThat(networkToCanary).isEqualTo(10);
    }

    /**
     * Traced, the plain requests are still answered below WebFlux (DirectNewsRoute), observed there: the
     * client's trust decides which trace context the tracer reads, and the request's timer is WebFlux's.
     */
    @Test
    void anOutsideTraceparentCannotForceSamplingAndATrustedOneCan() throws Exception {
        String outsideTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String trustedTrace = "0af7651916cd43dd8448eb211c80319c";
        MeterRegistry meters = gateway.getBean(MeterRegistry.class);
        double timedBefore = servedNews(meters);
        int webFluxBefore = WEBFLUX_NEWS_REQUESTS.count();
        for (int i = 0; i < 20; i++) {
            news("traceparent", "00-" + outsideTrace + "-00f067aa0ba902b7-01");
        }
        for (int i = 0; i < 5; i++) {
            news("traceparent", "00-" + trustedTrace + "-00f067aa0ba902b7-01", "X-Gateway-Trust", SECRET);
        }
        await().atMost(Duration.ofSeconds(20)).alias("spans of the trusted trace; received " + spans.size() + " export(s)")
                .until(() -> spans.stream().anyMatch(body -> body.contains(trustedTrace)));
        Thread.sleep(1500); // one more flush of the exporter, for any span of the outside trace still queued
        long outsideSpans = spans.stream().mapToLong(body -> occurrences(body, outsideTrace)).sum();
        long trustedSpans = spans.stream().mapToLong(body -> occurrences(body, trustedTrace)).sum();
        System.out.printf("sampling probability 0: spans exported for 20 outside requests with a sampled traceparent: %d;"
                + " for 5 with the secret: %d%n", outsideSpans, trustedSpans);
        assertThat(outsideSpans).isZero();
        assertThat(trustedSpans).isGreaterThanOrEqualTo(5);
        assertThat(WEBFLUX_NEWS_REQUESTS.count()).as("traced requests that reached WebFlux").isEqualTo(webFluxBefore);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(servedNews(meters)).as("http.server.requests timed").isEqualTo(timedBefore + 25));
    }

    /** The route's answered requests, as Spring's server request convention tags them. */
    private static double servedNews(MeterRegistry meters) {
        return meters.find("http.server.requests").tags("uri", "/fetchLatestNews", "method", "GET", "status", "200",
                "outcome", "SUCCESS", "exception", "none", "error", "none").timers().stream().mapToLong(Timer::count).sum();
    }

    private static long occurrences(String text, String part) {
        long count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    @Test
    void theMeshPageAndActuatorAnswersCarryTheSecurityHeaders() throws Exception {
        for (String path : List.of("/actuator/mesh", "/actuator/mesh/page", "/actuator/health", "/actuator/mesh/nope")) {
            HttpResponse<String> response = get("http://127.0.0.1:" + management + path);
            String policy = response.headers().firstValue("Content-Security-Policy").orElse("");
            System.out.printf("%s %d: Content-Security-Policy: %s%n", path, response.statusCode(), policy);
            assertThat(policy).as(path).contains("frame-ancestors 'none'").contains("default-src 'none'");
            assertThat(response.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
        }
        String pagePolicy = get("http://127.0.0.1:" + management + "/actuator/mesh/page").headers()
                .firstValue("Content-Security-Policy").orElseThrow();
        assertThat(pagePolicy).contains("script-src 'sha256-").contains("connect-src 'self'").doesNotContain("unsafe-inline");
    }

    @Test
    void errorBodiesEchoNothingOfTheRequest() throws IOException {
        String notFound = raw("127.0.0.1", "GET /nope-path-marker HTTP/1.1\r\nHost: host-marker.example\r\n"
                + "X-Other: header-marker\r\nConnection: close\r\n\r\n");
        String notAllowed = raw("127.0.0.1", "DELETE /fetchLatestNews HTTP/1.1\r\nHost: host-marker.example\r\nConnection: close\r\n\r\n");
        System.out.println("404 answer:\n" + notFound + "\n405 answer:\n" + notAllowed);
        assertThat(notFound).startsWith("HTTP/1.1 404");
        assertThat(notAllowed).startsWith("HTTP/1.1 405");
        for (String answer : List.of(notFound, notAllowed)) {
            assertThat(answer).doesNotContain("host-marker", "header-marker", "nope-path-marker", "DELETE");
        }
    }
}
