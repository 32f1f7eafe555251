package dev.consulmesh.autoconfigure;

import dev.consulmesh.autoconfigure.EchoApps.Caller;
import dev.consulmesh.autoconfigure.EchoApps.EchoNode;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.client.MeshClient;
import dev.consulmesh.client.NodeReply;
import dev.consulmesh.discovery.HealthyNodesWatcher;
import dev.consulmesh.discovery.ServiceDiscovery;
import dev.consulmesh.discovery.ServiceNode;
import dev.consulmesh.testsupport.TestConsul;
import dev.consulmesh.transport.server.TcpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node and a caller as Spring applications against a real Consul agent: the node registers its TCP
 * endpoint with a TCP check, the caller discovers it and calls it, shutdown deregisters, and a node
 * whose port closes turns critical and leaves the healthy set.
 */
class MeshNodeConsulTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestConsul consul;

    @BeforeAll
    static void startConsul() {
        consul = TestConsul.start();
    }

    @AfterAll
    static void stopConsul() {
        if (consul != null) {
            consul.close();
        }
    }


    private static ConfigurableApplicationContext start(Class<?> app, String service, String... extra) {
        List<String> properties = new java.util.ArrayList<>(List.of(
                "spring.application.name=" + service,
                "spring.cloud.consul.host=" + consul.host(),
                "spring.cloud.consul.port=" + consul.httpPort(),
                "mesh.tcp.host=127.0.0.1",
                "mesh.tcp.port=0",
                "mesh.tcp.advertised-host=127.0.0.1",
                "mesh.registration.check-interval=500ms",
                "mesh.registration.drain-period=0s",
                "mesh.discovery.wait=30s"));
        properties.addAll(List.of(extra));
        return new SpringApplicationBuilder(app).web(WebApplicationType.NONE)
                .properties(properties.toArray(String[]::new)).run();
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static boolean passing(String service, String instanceId) throws Exception {
        JsonNode entries = json(consul.http().get("/v1/health/service/" + service + "?passing"));
        for (JsonNode entry : entries) {
            if (entry.at("/Service/ID").asString().equals(instanceId)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aNodeRegistersItsTcpEndpointWithATcpCheckAndIsCalledThroughDiscovery() throws Exception {
        try (ConfigurableApplicationContext node = start(EchoNode.class, "echo-service");
             ConfigurableApplicationContext caller = start(Caller.class, "echo-caller")) {
            int port = node.getBean(TcpServer.class).port();
            String id = "echo-service-127.0.0.1-" + port;

            JsonNode registered = json(consul.http().get("/v1/agent/services")).get(id);
            assertThat(registered).as("registered as %s", id).isNotNull();
            assertThat(registered.get("Service").asString()).isEqualTo("echo-service");
            assertThat(registered.get("Address").asString()).isEqualTo("127.0.0.1");
            assertThat(registered.get("Port").asInt()).isEqualTo(port);
            JsonNode check = json(consul.http().get("/v1/agent/checks")).get("service:" + id);
            assertThat(check.get("Type").asString()).isEqualTo("tcp");

            await().atMost(Duration.ofSeconds(15)).until(() -> passing("echo-service", id));
            // The caller serves no handlers and no HTTP, so it registers nothing.
            assertThat(json(consul.http().get("/v1/agent/services")).has("echo-caller")).isFalse();

            NodeReply reply = caller.getBean(MeshClient.class)
                    .send("echo-service", "echo", Map.of("hello", "wörld 😀")).block(Duration.ofSeconds(10));
            assertThat(reply.node().instanceId()).isEqualTo(id);
            assertThat(reply.value()).isEqualTo(json("{\"echo\":{\"hello\":\"wörld 😀\"}}"));

            node.close();
            assertThat(json(consul.http().get("/v1/agent/services")).has(id)).as("deregistered on shutdown").isFalse();
        }
    }

    @Test
    void aNodeWhosePortClosesTurnsCriticalAndLeavesTheHealthySet() throws Exception {
        try (ConfigurableApplicationContext node = start(EchoNode.class, "closing-service");
             ConfigurableApplicationContext caller = start(Caller.class, "closing-caller")) {
            String id = "closing-service-127.0.0.1-" + node.getBean(TcpServer.class).port();
            HealthyNodesWatcher watcher = caller.getBean(ServiceDiscovery.class).watch("closing-service");
            await().atMost(Duration.ofSeconds(15)).until(() -> watcher.current() != null
                    && watcher.current().nodes().stream().map(ServiceNode::instanceId).toList().contains(id));

            node.getBean(TcpServer.class).stop(); // the port closes, the registration stays

            await().atMost(Duration.ofSeconds(15)).until(() -> watcher.current().nodes().isEmpty());
            JsonNode check = json(consul.http().get("/v1/agent/checks")).get("service:" + id);
            assertThat(check.get("Status").asString()).isEqualTo("critical");
        }
    }
}
