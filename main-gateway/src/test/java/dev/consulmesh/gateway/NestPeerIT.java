package dev.consulmesh.gateway;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import dev.consulmesh.gateway.news.NewsController;
import dev.consulmesh.testsupport.FreePorts;
import dev.consulmesh.testsupport.JavaProcess;
import dev.consulmesh.testsupport.LocalConsulAgent;
import dev.consulmesh.testsupport.LoggedProcess;
import dev.consulmesh.testsupport.NodeProject;
import dev.consulmesh.testsupport.ProjectPaths;
import dev.consulmesh.testsupport.StartedResources;
import dev.consulmesh.transport.client.TcpClient;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.wire.PacketCodec;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real NestJS peer (the pinned {@code @nestjs/microservices} of src/test/nest-peer) against the
 * mesh as real processes: a Consul agent, two push-service JVMs from the built jar, Nest
 * {@code ClientProxy} calls to one of them, and a Nest microservice registered in Consul beside them
 * that the gateway JVM balances to like any other node.
 */
class NestPeerIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path NEST_PEER = ProjectPaths.root().resolve("main-gateway/src/test/nest-peer");
    private static final Pattern LISTENING = Pattern.compile("news-service listening on ");
    private static final Pattern REGISTERED = Pattern.compile("registered (\\S+) in Consul");
    private static final String NO_HANDLER = "There is no matching message handler defined in the remote service.";
    private static final int CONCURRENT_SENDS = 400;
    private static final int GATEWAY_REQUESTS = 300;
    /**
     * The Java processes trace every request, with deadlines sent, so a Nest client calls a traced node and the
     * traced gateway sends trace context to a Nest microservice. Their Zipkin endpoint is a port nobody
     * listens on: spans are dropped, calls must not notice.
     */
    private static final List<String> TRACING = List.of(
            "--management.tracing.export.enabled=true",
            "--management.tracing.sampling.probability=1.0",
            "--management.tracing.export.zipkin.endpoint=http://127.0.0.1:" + FreePorts.next() + "/api/v2/spans");

    private static final StartedResources startedForAll = new StartedResources();
    private static NodeProject nest;
    private static LocalConsulAgent consul;
    private static JavaNode nodeA;
    private static JavaNode nodeB;
    /** Every item the Java nodes serve, newest first, as node A answered them. */
    private static List<JsonNode> items;
    private static Path itemsFile;

    private final StartedResources started = new StartedResources();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private record JavaNode(JavaProcess process, int tcpPort, int httpPort) {
        String instanceId() {
            return "push-service-127.0.0.1-" + tcpPort;
        }
    }

    @BeforeAll
    static void startConsulAndTwoJavaNodes() throws Exception {
        nest = NodeProject.at(NEST_PEER);
        if (!nest.isAvailable()) {
            return; // each test is skipped, saying what is missing
        }
        nest.install();
        System.out.println("NestJS peer project " + NEST_PEER + " on node " + nest.nodeVersion());
        consul = startedForAll.add(LocalConsulAgent.start());
        int[] ports = FreePorts.next(4);
        nodeA = pushService("push-a", ports[0], ports[1]);
        nodeB = pushService("push-b", ports[2], ports[3]);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (JavaNode node : List.of(nodeA, nodeB)) {
                assertThat(node.process().isAlive()).as("%s alive; log:%n%s", node.process().name(),
                        node.process().logText()).isTrue();
            }
            assertThat(passingIds("push-service")).containsExactlyInAnyOrder(nodeA.instanceId(), nodeB.instanceId());
        });
        items = allItems(nodeA);
        itemsFile = Files.createTempFile("nest-peer-items-", ".json");
        startedForAll.add(() -> Files.deleteIfExists(itemsFile));
        JSON.writeValue(itemsFile.toFile(), items);
    }

    @AfterAll
    static void stopAll() throws Exception {
        startedForAll.close();
    }

    @BeforeEach
    void requireNode() {
        nest.assumeAvailable();
    }

    @AfterEach
    void stopThisTestsProcesses() throws Exception {
        started.close();
    }

    @Test
    void aNestClientGetsFromAJavaNodeWhatANestServiceWouldAnswer() throws Exception {
        int referencePort = FreePorts.next();
        started.add(nest.start("nest-reference", "news-service.mjs", List.of("--items", itemsFile.toString(),
                "--port", String.valueOf(referencePort), "--host", "127.0.0.1", "--standalone"), Map.of()))
                .awaitLogLine(LISTENING, Duration.ofSeconds(30));
        String refreshedBefore = lastFeedRefresh(nodeA);

        Path reportFile = Files.createTempFile("nest-peer-client-", ".json");
        started.add(() -> Files.deleteIfExists(reportFile));
        nest.run("nest-client-checks", "client-checks.mjs", List.of(
                "--node", "127.0.0.1:" + nodeA.tcpPort(), "--reference", "127.0.0.1:" + referencePort,
                "--items", itemsFile.toString(), "--concurrent", String.valueOf(CONCURRENT_SENDS),
                "--report", reportFile.toString()), Duration.ofSeconds(90));
        JsonNode report = JSON.readTree(reportFile.toFile());

        // send('fetchLatestNews', latestTime) and send('fetchLatestNews', {latestTime, limit})
        long now = report.at("/bareLatestTime/latestTime").asLong();
        assertThat(report.at("/bareLatestTime/values")).as("answer to a bare latestTime")
                .containsExactly(NewsPages.page(items, now, 20));
        assertThat(report.at("/objectQuery/values")).as("answer to {latestTime, limit: 5}")
                .containsExactly(NewsPages.page(items, now, 5));

        // emit('fetchNewsTask', ...) is fire-and-forget: the node's feed refreshes when it arrives.
        assertThat(report.at("/emit/completedAfterValues").asInt()).as("emit completed").isEqualTo(1);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(lastFeedRefresh(nodeA))
                        .as("newsFeed.lastRefresh in push-a's health after emit('fetchNewsTask')")
                        .isNotEqualTo(refreshedBefore));

        // Bad data and an unknown pattern: what the Nest client gets must not tell the Java node from Nest.
        for (JsonNode exchange : report.get("invalidData")) {
            JsonNode error = exchange.at("/node/error");
            assertThat(error.isObject() && error.size() == 2 && "error".equals(error.path("status").asString())
                    && error.path("message").isString())
                    .as("an RpcException's {status, message} for data %s, got %s", exchange.get("data"), exchange.get("node"))
                    .isTrue();
            assertThat(exchange.get("node")).as("what the Nest client got for data %s", exchange.get("data"))
                    .isEqualTo(exchange.get("reference"));
        }
        assertThat(report.at("/unknownPattern/node")).isEqualTo(report.at("/unknownPattern/reference"))
                .isEqualTo(JSON.createObjectNode().put("error", NO_HANDLER));

        // Hundreds of sends at once on the client's one connection, each answered with its own page.
        JsonNode concurrent = report.get("concurrent");
        System.out.printf("Nest ClientProxy -> %s: %d concurrent sends, %d answered, %d failed, %d wrong page,"
                        + " %d distinct pages expected, one connection: %s, %d ms%n", nodeA.instanceId(),
                concurrent.get("sent").asInt(), concurrent.get("answered").asInt(), concurrent.get("failedCount").asInt(),
                concurrent.get("wrongCount").asInt(), concurrent.get("distinctExpectedPages").asInt(),
                concurrent.get("sameConnection").asBoolean(), concurrent.get("elapsedMs").asLong());
        assertThat(concurrent.get("answered").asInt()).as("answered; failures: %s", concurrent.get("failed"))
                .isEqualTo(CONCURRENT_SENDS);
        assertThat(concurrent.get("wrongCount").asInt()).as("answers that were not their request's page: %s",
                concurrent.get("wrong")).isZero();
        assertThat(concurrent.get("distinctExpectedPages").asInt()).as("requests that expect different pages")
                .isGreaterThan(CONCURRENT_SENDS / 4);
        assertThat(concurrent.get("sameConnection").asBoolean()).as("all sends on the first connection").isTrue();
        assertThat(report.get("nodeConnectionStatuses")).containsExactly(JsonNodeFactory.instance.stringNode("connected"));
    }

    @Test
    void theGatewayBalancesOverJavaNodesAndANestServiceRegisteredBesideThemWithoutFailedCalls() throws Exception {
        int[] ports = FreePorts.next(3);
        int nestPort = ports[0];
        int gatewayPort = ports[1];
        int managementPort = ports[2];
        LoggedProcess nestNode = started.add(nest.start("nest-news", "news-service.mjs", List.of(
                "--items", itemsFile.toString(), "--port", String.valueOf(nestPort), "--host", "127.0.0.1",
                "--advertised-host", "127.0.0.1", "--check-interval", "1s", "--drain", "0s"),
                Map.of("CONSUL_HOST", consul.host(), "CONSUL_PORT", String.valueOf(consul.httpPort()))));
        String nestId = nestNode.awaitLogLine(REGISTERED, Duration.ofSeconds(30)).group(1);
        assertThat(nestId).isEqualTo("push-service-127.0.0.1-" + nestPort);
        JsonNode registered = JSON.readTree(consul.http().get("/v1/agent/service/" + nestId));
        assertThat(registered.get("Service").asString()).isEqualTo("push-service");
        assertThat(registered.get("Address").asString()).isEqualTo("127.0.0.1");
        assertThat(registered.get("Port").asInt()).isEqualTo(nestPort);
        JsonNode check = JSON.readTree(consul.http().get("/v1/agent/checks")).get("service:" + nestId);
        assertThat(check.get("Type").asString()).as("check of %s: %s", nestId, check).isEqualTo("tcp");

        JavaProcess gateway = started.add(JavaProcess.start("gateway", jar("main-gateway"), withTracing(
                "--mesh.client.propagate-deadline=true",
                // every node must answer every page alike, so each takes a share: round robin, not the
                // default peak-EWMA, which gives the slower NestJS node few calls
                "--mesh.client.strategy=round-robin",
                "--spring.cloud.consul.host=" + consul.host(),
                "--spring.cloud.consul.port=" + consul.httpPort(),
                "--server.port=" + gatewayPort,
                "--management.server.port=" + managementPort,
                "--management.server.address=127.0.0.1",
                "--gateway.news.expose-node=true",
                "--mesh.registration.advertised-host=127.0.0.1",
                "--mesh.registration.check-interval=1s",
                "--mesh.registration.drain-period=0s")));
        List<String> nodeIds = List.of(nodeA.instanceId(), nodeB.instanceId(), nestId);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(nestNode.isAlive()).as("nest-news alive; log:%n%s", nestNode.logText()).isTrue();
            assertThat(gateway.isAlive()).as("gateway alive; log:%n%s", gateway.logText()).isTrue();
            assertThat(passingIds("push-service")).containsExactlyInAnyOrderElementsOf(nodeIds);
            assertThat(passingIds("main-gateway")).hasSize(1);
            assertThat(meshNodes(managementPort)).as("push-service nodes in the gateway's rotation")
                    .containsOnlyKeys(nodeIds).allSatisfy((id, node) -> assertThat(node.get("state").asString()).isEqualTo("healthy"));
        });

        Map<String, Integer> perNode = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < GATEWAY_REQUESTS; i++) {
            // Cursors across the whole feed and different page sizes: every node must answer every page alike.
            JsonNode cursor = items.get(i % items.size());
            int limit = 1 + i % 25;
            long latestTime = cursor.get("publishedAt").asLong();
            try {
                HttpResponse<String> response = fetch(gatewayPort, "latestTime=" + latestTime + "&limit=" + limit);
                String node = response.headers().firstValue(NewsController.NODE_HEADER).orElse("(no header)");
                perNode.merge(node, 1, Integer::sum);
                JsonNode body = JSON.readTree(response.body());
                if (response.statusCode() != 200) {
                    failures.add("call " + i + " answered " + response.statusCode() + " by " + node + ": " + response.body());
                } else if (!body.get("items").equals(NewsPages.page(items, latestTime, limit))) {
                    failures.add("call " + i + " (latestTime=" + latestTime + ", limit=" + limit + ") got another page"
                            + " from " + node + ": " + body);
                }
            } catch (Exception e) {
                failures.add("call " + i + " failed: " + e);
            }
        }
        StringBuilder counts = new StringBuilder();
        perNode.forEach((node, count) -> counts.append(String.format("%n  %s (%s): %d", node,
                node.equals(nestId) ? "NestJS" : "Java", count)));
        System.out.printf("gateway GET /fetchLatestNews: %d requests sent, %d failed; answered per node (X-Push-Node):%s%n",
                GATEWAY_REQUESTS, failures.size(), counts);

        assertThat(failures).as("failed calls").isEmpty();
        assertThat(perNode).containsOnlyKeys(nodeIds);
        // Round robin over three healthy nodes: each gets about a third; half of that is a safe floor.
        assertThat(perNode.values()).allSatisfy(count -> assertThat(count).isGreaterThanOrEqualTo(GATEWAY_REQUESTS / 6));
        // No attempt failed on any node, not even one a retry on another node would have hidden.
        assertThat(meshNodes(managementPort)).allSatisfy((id, node) ->
                assertThat(node.get("failures").asLong()).as("failed attempts on %s", id).isZero());
    }

    /** Every item of a node, paged through with the mesh's own TCP client. */
    private static List<JsonNode> allItems(JavaNode node) {
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try (TcpClient client = new TcpClient("127.0.0.1", node.tcpPort(), TcpClientOptions.defaults(), group,
                new PacketCodec(JSON))) {
            List<JsonNode> all = new ArrayList<>();
            ObjectNode query = JSON.createObjectNode().put("latestTime", Long.MAX_VALUE / 2).put("limit", 100);
            while (true) {
                JsonNode page = client.send(JsonNodeFactory.instance.stringNode("fetchLatestNews"), query)
                        .blockLast(Duration.ofSeconds(10));
                if (page == null || page.isEmpty()) {
                    break;
                }
                page.forEach(all::add);
                JsonNode last = page.get(page.size() - 1);
                query.put("latestTime", last.get("publishedAt").asLong()).put("beforeId", last.get("id").asString());
            }
            assertThat(all).as("items served by %s", node.instanceId()).hasSizeGreaterThan(20);
            return all;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static JavaNode pushService(String name, int tcpPort, int httpPort) {
        JavaProcess process = startedForAll.add(JavaProcess.start(name, jar("push-service"), withTracing(
                "--spring.cloud.consul.host=" + consul.host(),
                "--spring.cloud.consul.port=" + consul.httpPort(),
                "--server.port=" + httpPort,
                "--push.tcp.port=" + tcpPort,
                "--push.tcp.advertised-host=127.0.0.1",
                "--mesh.registration.check-interval=1s",
                "--mesh.registration.drain-period=0s")));
        return new JavaNode(process, tcpPort, httpPort);
    }

    /** When the node's news feed last loaded, from its health report (actuator on server.port). */
    private String lastFeedRefresh(JavaNode node) throws Exception {
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort()
                + "/actuator/health")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        String lastRefresh = JSON.readTree(health.body()).at("/components/newsFeed/details/lastRefresh").asString();
        assertThat(lastRefresh).as("newsFeed.lastRefresh in %s", health.body()).isNotEmpty();
        return lastRefresh;
    }

    /** The push-service nodes in the gateway's {@code mesh} actuator endpoint, by instance id. */
    private Map<String, JsonNode> meshNodes(int managementPort) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + "/actuator/mesh")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, JsonNode> nodes = new TreeMap<>();
        JSON.readTree(response.body()).at("/services/push-service/nodes")
                .forEach(node -> nodes.put(node.get("instanceId").asString(), node));
        return nodes;
    }

    private HttpResponse<String> fetch(int port, String query) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fetchLatestNews?" + query))
                .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> passingIds(String service) throws Exception {
        List<String> ids = new ArrayList<>();
        JSON.readTree(consul.http().get("/v1/health/service/" + service + "?passing"))
                .forEach(entry -> ids.add(entry.at("/Service/ID").asString()));
        return ids;
    }

    private static List<String> withTracing(String... args) {
        List<String> all = new ArrayList<>(TRACING);
        all.addAll(List.of(args));
        return all;
    }

    private static Path jar(String module) {
        return ProjectPaths.root().resolve(module + "/target/" + module + ".jar");
    }
}
