package dev.consulmesh.gateway;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.testsupport.FreePorts;
import dev.consulmesh.testsupport.JavaProcess;
import dev.consulmesh.testsupport.LocalConsulAgent;
import dev.consulmesh.testsupport.ProjectPaths;
import dev.consulmesh.testsupport.TestConsul;
import dev.consulmesh.testsupport.StartedResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole mesh as real processes: a Consul agent, two push-service JVMs and the gateway JVM from the
 * built jars, called over HTTP like a user would.
 */
class MeshEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final StartedResources started = new StartedResources();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stopEverything() throws Exception {
        started.close();
    }

    private <T extends AutoCloseable> T started(T process) {
        return started.add(process);
    }

    private JavaProcess pushService(TestConsul consul, String name, int tcpPort, int httpPort) {
        return started(JavaProcess.start(name, ProjectPaths.serviceJar("push-service"), List.of(
                "--spring.cloud.consul.host=" + consul.host(),
                "--spring.cloud.consul.port=" + consul.httpPort(),
                "--server.port=" + httpPort,
                "--push.tcp.port=" + tcpPort,
                "--push.tcp.advertised-host=127.0.0.1",
                "--mesh.registration.check-interval=1s")));
    }

    @Test
    void twoNodesServeThroughTheGatewayAndOneStoppedWithSigtermLeavesWithoutFailedCalls() throws Exception {
        TestConsul consul = started(LocalConsulAgent.start());
        int[] ports = FreePorts.next(6);
        int tcpA = ports[0];
        int tcpB = ports[1];
        int gatewayPort = ports[2];
        JavaProcess nodeA = pushService(consul, "push-a", tcpA, ports[3]);
        JavaProcess nodeB = pushService(consul, "push-b", tcpB, ports[4]);
        JavaProcess gateway = started(JavaProcess.start("gateway", ProjectPaths.serviceJar("main-gateway"), List.of(
                "--spring.cloud.consul.host=" + consul.host(),
                "--spring.cloud.consul.port=" + consul.httpPort(),
                "--server.port=" + gatewayPort,
                "--management.server.port=" + ports[5],
                "--gateway.news.expose-node=true",
                "--mesh.registration.advertised-host=127.0.0.1",
                "--mesh.registration.check-interval=1s",
                // requests one at a time, asserted to reach both nodes: round robin alternates, while
                // peak-EWMA (the default) sends each to the node that has answered faster
                "--mesh.client.strategy=round-robin")));
        String idA = "push-service-127.0.0.1-" + tcpA;
        String idB = "push-service-127.0.0.1-" + tcpB;

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(nodeA.isAlive()).as("push-a alive; log:%n%s", nodeA.logText()).isTrue();
            assertThat(nodeB.isAlive()).as("push-b alive; log:%n%s", nodeB.logText()).isTrue();
            assertThat(gateway.isAlive()).as("gateway alive; log:%n%s", gateway.logText()).isTrue();
            assertThat(passingIds(consul, "push-service")).containsExactlyInAnyOrder(idA, idB);
            assertThat(passingIds(consul, "main-gateway")).hasSize(1);
        });

        Set<String> answeredBy = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = fetch(gatewayPort);
            assertThat(response.statusCode()).as("call %d: %s", i, response.body()).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).get("items")).isNotEmpty();
            answeredBy.add(response.headers().firstValue("X-Push-Node").orElseThrow());
        }
        assertThat(answeredBy).containsExactlyInAnyOrder(idA, idB);

        assertThat(nodeA.terminate(60)).as("push-a exit code after SIGTERM").isIn(0, 143);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> !catalogIds(consul, "push-service").contains(idA));

        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = fetch(gatewayPort);
            assertThat(response.statusCode()).as("call %d after push-a left: %s", i, response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Push-Node")).hasValue(idB);
        }
    }

    private HttpResponse<String> fetch(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fetchLatestNews"))
                .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> passingIds(TestConsul consul, String service) throws Exception {
        List<String> ids = new ArrayList<>();
        JSON.readTree(consul.http().get("/v1/health/service/" + service + "?passing"))
                .forEach(entry -> ids.add(entry.at("/Service/ID").asString()));
        return ids;
    }

    private static List<String> catalogIds(TestConsul consul, String service) throws Exception {
        List<String> ids = new ArrayList<>();
        for (JsonNode entry : JSON.readTree(consul.http().get("/v1/catalog/service/" + service))) {
            ids.add(entry.get("ServiceID").asString());
        }
        return ids;
    }
}
