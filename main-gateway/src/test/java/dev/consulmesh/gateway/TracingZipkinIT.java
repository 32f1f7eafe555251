package dev.consulmesh.gateway;

import dev.consulmesh.testsupport.FreePorts;
import dev.consulmesh.testsupport.JavaProcess;
import dev.consulmesh.testsupport.LocalConsulAgent;
import dev.consulmesh.testsupport.ProjectPaths;
import dev.consulmesh.testsupport.StartedResources;
import dev.consulmesh.transport.client.RemoteErrorException;
import dev.consulmesh.transport.client.TcpClient;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.wire.PacketCodec;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Traces across the TCP hop, exported to a real Zipkin server (the {@code io.zipkin:zipkin-server} exec
 * jar that Maven copies to target/zipkin): a Consul agent, a push-service JVM and a gateway JVM, both
 * tracing every request. One {@code GET /fetchLatestNews} must come out as one trace holding the
 * gateway's HTTP span, its call and attempt spans, and the node's handler span, parent to child across
 * the two JVMs. An event carrying a caller's trace context, a request with a malformed one, and one whose
 * deadline has passed are sent to the node directly.
 */
class TracingZipkinIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ZIPKIN_JAR = ProjectPaths.root().resolve("main-gateway/target/zipkin/zipkin-server.jar");

    private static final StartedResources started = new StartedResources();
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static int zipkinPort;
    private static int gatewayPort;
    private static int nodeTcpPort;
    private static int nodeHttpPort;
    private static JavaProcess gateway;

    @BeforeAll
    static void startZipkinConsulNodeAndGateway() throws Exception {
        assertThat(ZIPKIN_JAR).as("Zipkin's exec jar, copied by the pre-integration-test phase").exists();
        int[] ports = FreePorts.next(5);
        zipkinPort = ports[0];
        nodeTcpPort = ports[1];
        nodeHttpPort = ports[2];
        gatewayPort = ports[3];
        int managementPort = ports[4];
        JavaProcess zipkin = started.add(JavaProcess.start("zipkin", ZIPKIN_JAR, List.of(
                "--server.port=" + zipkinPort)));
        LocalConsulAgent consul = started.add(LocalConsulAgent.start());
        List<String> tracing = List.of(
                "--management.tracing.export.enabled=true",
                "--management.tracing.sampling.probability=1.0",
                "--management.tracing.export.zipkin.endpoint=http://127.0.0.1:" + zipkinPort + "/api/v2/spans",
                "--spring.cloud.consul.host=" + consul.host(),
                "--spring.cloud.consul.port=" + consul.httpPort());
        JavaProcess node = started.add(JavaProcess.start("push-tracing", jar("push-service"), concat(tracing, List.of(
                "--server.port=" + nodeHttpPort,
                "--push.tcp.port=" + nodeTcpPort,
                "--push.tcp.advertised-host=127.0.0.1",
                "--mesh.registration.check-interval=1s",
                "--mesh.registration.drain-period=0s"))));
        gateway = started.add(JavaProcess.start("gateway-tracing", jar("main-gateway"), concat(tracing, List.of(
                "--server.port=" + gatewayPort,
                "--management.server.port=" + managementPort,
                "--management.server.address=127.0.0.1",
                "--mesh.client.propagate-deadline=true",
                "--mesh.registration.advertised-host=127.0.0.1",
                "--mesh.registration.check-interval=1s",
                "--mesh.registration.drain-period=0s"))));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
            for (JavaProcess process : List.of(zipkin, node, gateway)) {
                assertThat(process.isAlive()).as("%s alive; log:%n%s", process.name(), process.logText()).isTrue();
            }
            assertThat(get(zipkinPort, "/health").statusCode()).as("Zipkin's /health").isEqualTo(200);
            assertThat(get(gatewayPort, "/fetchLatestNews?limit=1").statusCode()).as("gateway answers").isEqualTo(200);
        });
    }

    @AfterAll
    static void stopAll() throws Exception {
        started.close();
    }

    @Test
    void oneGatewayRequestIsOneTraceFromTheHttpSpanThroughTheCallIntoTheNodesHandler() throws Exception {
        HttpResponse<String> response = get(gatewayPort, "/fetchLatestNews?limit=3");
        assertThat(response.statusCode()).as("gateway answer: %s", response.body()).isEqualTo(200);
        String traceId = response.headers().firstValue("traceparent").map(value -> value.split("-")[1]).orElse(null);

        JsonNode trace = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> traceWithNodeHandler(traceId), found -> found != null);
        Map<String, JsonNode> byId = new HashMap<>();
        trace.forEach(span -> byId.put(span.get("id").asString(), span));
        JsonNode handler = only(trace, "push-service", "SERVER");
        JsonNode attempt = byId.get(handler.path("parentId").asString());
        assertThat(attempt).as("the handler span's parent in %s", trace).isNotNull();
        assertThat(attempt.get("kind").asString()).isEqualTo("CLIENT");
        assertThat(service(attempt)).isEqualTo("main-gateway");
        JsonNode call = byId.get(attempt.path("parentId").asString());
        assertThat(call).as("the attempt span's parent in %s", trace).isNotNull();
        assertThat(call.get("name").asString()).contains("push-service");
        JsonNode httpSpan = byId.get(call.path("parentId").asString());
        assertThat(httpSpan).as("the call span's parent in %s", trace).isNotNull();
        assertThat(httpSpan.get("kind").asString()).isEqualTo("SERVER");
        assertThat(service(httpSpan)).isEqualTo("main-gateway");
        assertThat(httpSpan.has("parentId")).as("the HTTP span is the trace's root").isFalse();
        assertThat(httpSpan.get("name").asString()).isEqualTo("http get /fetchlatestnews");
        assertThat(gateway.logText()).as("the gateway's log: traced, the plain request is answered below WebFlux")
                .contains("are answered below WebFlux's dispatch (gateway.news.direct-route), observed (traced)");
        System.out.printf("Zipkin trace %s: %d spans; %s (%s, %d us) -> %s (%d us) -> %s (%d us) -> %s on %s (%d us)%n",
                handler.get("traceId").asString(), trace.size(), httpSpan.get("name").asString(), service(httpSpan),
                httpSpan.path("duration").asLong(), call.get("name").asString(), call.path("duration").asLong(),
                attempt.get("name").asString(), attempt.path("duration").asLong(), handler.get("name").asString(),
                service(handler), handler.path("duration").asLong());
    }

    @Test
    void aTracedEventContinuesItsCallersTraceInTheNodesHandler() throws Exception {
        String traceId = hex(32);
        String parentId = hex(16);
        try (NodeConnection node = new NodeConnection()) {
            node.client.emit(text("fetchNewsTask"), JSON.createObjectNode(),
                    Map.of("traceparent", "00-" + traceId + "-" + parentId + "-01")).block(Duration.ofSeconds(5));
        }
        JsonNode trace = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> trace(traceId), found -> found != null && found.size() > 0);
        JsonNode handler = trace.get(0);
        assertThat(service(handler)).isEqualTo("push-service");
        assertThat(handler.get("parentId").asString()).as("the event handler's parent: the caller's span").isEqualTo(parentId);
        System.out.printf("Zipkin trace %s: event handler span '%s' (%s) under the caller's span %s%n",
                traceId, handler.get("name").asString(), handler.get("kind").asString(), parentId);
    }

    @Test
    void malformedTraceContextIsANewTraceAndAPassedDeadlineIsATimeoutErrorCounted() throws Exception {
        try (NodeConnection node = new NodeConnection()) {
            JsonNode page = node.client.send(text("fetchLatestNews"), JSON.createObjectNode().put("limit", 1),
                    Duration.ofSeconds(5), Map.of("traceparent", "00-not-a-trace-01", "tracestate", "x".repeat(4000)))
                    .blockLast(Duration.ofSeconds(5));
            assertThat(page).as("answer despite a malformed trace context").hasSize(1);
            assertThatThrownBy(() -> node.client.send(text("fetchLatestNews"), JSON.createObjectNode().put("limit", 1),
                    Duration.ofSeconds(5), Map.of("timeout", "0")).blockLast(Duration.ofSeconds(5)))
                    .isInstanceOf(RemoteErrorException.class).hasMessageContaining("deadline exceeded");
            JsonNode far = node.client.send(text("fetchLatestNews"), JSON.createObjectNode().put("limit", 1),
                    Duration.ofSeconds(5), Map.of("timeout", "999999999999999")).blockLast(Duration.ofSeconds(5));
            assertThat(far).as("answer with an absurdly far deadline (capped)").hasSize(1);
        }
        JsonNode expired = JSON.readTree(get(nodeHttpPort, "/actuator/metrics/mesh.tcp.server.deadline.expired").body());
        JsonNode rejected = JSON.readTree(get(nodeHttpPort, "/actuator/metrics/mesh.tcp.server.trace-context.rejected").body());
        System.out.printf("push-service: mesh.tcp.server.deadline.expired %s, mesh.tcp.server.trace-context.rejected %s%n",
                expired.at("/measurements/0/value"), rejected.at("/measurements/0/value"));
        assertThat(expired.at("/measurements/0/value").asDouble()).isGreaterThanOrEqualTo(1);
        assertThat(rejected.at("/measurements/0/value").asDouble()).isGreaterThanOrEqualTo(1);
    }

    /** The newest gateway trace that reached the node's handler (the one of {@code traceId} when known). */
    private static JsonNode traceWithNodeHandler(String traceId) throws Exception {
        if (traceId != null) {
            JsonNode trace = trace(traceId);
            return trace != null && hasNodeHandler(trace) ? trace : null;
        }
        JsonNode traces = JSON.readTree(get(zipkinPort, "/api/v2/traces?serviceName=main-gateway&spanName=all&limit=50").body());
        for (JsonNode trace : traces) {
            if (hasNodeHandler(trace) && trace.size() >= 4) {
                return trace;
            }
        }
        return null;
    }

    private static boolean hasNodeHandler(JsonNode trace) {
        for (JsonNode span : trace) {
            if ("push-service".equals(service(span)) && "SERVER".equals(span.path("kind").asString())
                    && span.path("name").asString().contains("fetchlatestnews")) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode trace(String traceId) throws Exception {
        HttpResponse<String> response = get(zipkinPort, "/api/v2/trace/" + traceId);
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    }

    private static JsonNode only(JsonNode trace, String service, String kind) {
        List<JsonNode> found = new ArrayList<>();
        trace.forEach(span -> {
            if (service.equals(service(span)) && kind.equals(span.path("kind").asString())) {
                found.add(span);
            }
        });
        assertThat(found).as("%s spans of %s in %s", kind, service, trace).hasSize(1);
        return found.get(0);
    }

    private static String service(JsonNode span) {
        return span.at("/localEndpoint/serviceName").asString();
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode text(String value) {
        return JsonNodeFactory.instance.stringNode(value);
    }

    private static String hex(int length) {
        StringBuilder hex = new StringBuilder();
        while (hex.length() < length) {
            hex.append(Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE));
        }
        return hex.substring(0, length);
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private static Path jar(String module) {
        return ProjectPaths.root().resolve(module + "/target/" + module + ".jar");
    }

    /** The mesh's own TCP client on the node's port, sending packets with headers of the test's choosing. */
    private static final class NodeConnection implements AutoCloseable {
        final NioEventLoopGroup group = new NioEventLoopGroup(1);
        final TcpClient client = new TcpClient("127.0.0.1", nodeTcpPort, TcpClientOptions.defaults(), group, new PacketCodec(JSON));

        @Override
        public void close() {
            client.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
