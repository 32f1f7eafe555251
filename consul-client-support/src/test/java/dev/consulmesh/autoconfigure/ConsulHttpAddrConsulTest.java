package dev.consulmesh.autoconfigure;

import dev.consulmesh.registration.MeshMetadata;
import dev.consulmesh.testsupport.JavaProcess;
import dev.consulmesh.testsupport.StartedResources;
import dev.consulmesh.testsupport.TestConsul;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node started as its own process, as an operator starts it where Consul's CLI works: its environment
 * names the agent in {@code CONSUL_HTTP_ADDR} alone (no {@code spring.cloud.consul.*}, no
 * {@code CONSUL_HOST}), and it registers in that real agent — with the metadata and the named check an
 * operator reads in Consul's UI.
 */
class ConsulHttpAddrConsulTest {

    private static final String SERVICE = "cli-addr-echo";
    private final StartedResources started = new StartedResources();

    /** The echo node of {@link EchoApps}, as a main class. */
    public static final class Node {
        public static void main(String[] args) {
            new SpringApplicationBuilder(EchoApps.EchoNode.class).web(WebApplicationType.NONE).run(args);
        }
    }

    @AfterEach
    void stop() throws Exception {
        started.close();
    }

    @Test
    void aNodeWithOnlyConsulHttpAddrRegistersInThatAgent() throws Exception {
        TestConsul consul = TestConsul.start();
        started.add(consul);
        // blank is unset: whatever CONSUL_HOST / CONSUL_PORT the test's own environment has does not count
        JavaProcess node = JavaProcess.startMain(SERVICE, Node.class, Map.of(
                "CONSUL_HTTP_ADDR", consul.host() + ":" + consul.httpPort(), "CONSUL_HOST", "", "CONSUL_PORT", ""),
                List.of("--spring.application.name=" + SERVICE, "--mesh.tcp.host=127.0.0.1", "--mesh.tcp.port=0",
                        "--mesh.tcp.advertised-host=127.0.0.1", "--mesh.registration.check-interval=500ms",
                        "--mesh.registration.drain-period=0s"));
        started.add(node);

        JsonNode instance;
        try {
            instance = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .failFast(() -> assertThat(node.isAlive()).as("the node is running").isTrue())
                    .until(() -> registered(consul), found -> found != null);
        } catch (AssertionError | RuntimeException notRegistered) {
            throw new AssertionError("the node did not register in the agent of CONSUL_HTTP_ADDR; its log:\n"
                    + node.logText(), notRegistered);
        }

        assertThat(instance.path("Service").asString()).isEqualTo(SERVICE);
        JsonNode meta = instance.path("Meta");
        assertThat(meta.path(MeshMetadata.TRANSPORT).asString()).isEqualTo(MeshMetadata.NEST_TCP);
        assertThat(meta.path(MeshMetadata.VERSION).asString()).isNotBlank().isNotEqualTo("unknown");
        assertThat(meta.has(MeshMetadata.MANAGEMENT_PORT)).as("a node without a web server has no actuator port").isFalse();

        JsonNode check = checkOf(consul, instance.path("ID").asString());
        assertThat(check.path("Name").asString()).startsWith("TCP port 127.0.0.1:");
        assertThat(check.path("Notes").asString()).contains("Critical:");
        System.out.printf("registered through CONSUL_HTTP_ADDR: %s meta %s, check \"%s\"%n", instance.path("ID").asString(),
                meta, check.path("Name").asString());
    }

    private static JsonNode registered(TestConsul consul) throws Exception {
        for (JsonNode service : new ObjectMapper().readTree(consul.http().get("/v1/agent/services"))) {
            if (SERVICE.equals(service.path("Service").asString())) {
                return service;
            }
        }
        return null;
    }

    private static JsonNode checkOf(TestConsul consul, String serviceId) throws Exception {
        for (JsonNode check : new ObjectMapper().readTree(consul.http().get("/v1/agent/checks"))) {
            if (serviceId.equals(check.path("ServiceID").asString())) {
                return check;
            }
        }
        throw new AssertionError("no check of " + serviceId + " in " + consul.http().get("/v1/agent/checks"));
    }
}
