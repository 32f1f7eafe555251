package dev.consulmesh.autoconfigure;

import dev.consulmesh.autoconfigure.EchoApps.Caller;
import dev.consulmesh.autoconfigure.EchoApps.EchoNode;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.client.MeshClient;
import dev.consulmesh.client.NoHealthyNodeException;
import dev.consulmesh.client.NodeReply;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.registration.RegistrationKeeper;
import dev.consulmesh.registration.RegistrationRefusedException;
import dev.consulmesh.testsupport.LocalConsulAgent;
import dev.consulmesh.transport.server.TcpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A node and a caller as Spring applications against a real Consul dev agent that enforces ACLs with
 * a default policy of deny. With the tokens their processes need, the node registers, the caller
 * finds and calls it, and the node's keeper does not register it again; a node without a token, or
 * with one that lacks service:write, or one the agent does not know, fails to start saying which; a
 * caller that may not read sees why it finds no node, in its error and its health.
 */
@ExtendWith(OutputCaptureExtension.class)
class MeshAclConsulTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SERVICE = "acl-echo";
    private static LocalConsulAgent consul;
    private static String nodeToken;
    private static String readToken;

    @BeforeAll
    static void startConsulAndMakeTokens() {
        consul = LocalConsulAgent.startWithAcls();
        // What docs/configuration.md asks of a node: write on its own name, read on services and nodes.
        nodeToken = consul.createToken("acl-echo node", """
                service "acl-echo" { policy = "write" }
                service_prefix "" { policy = "read" }
                node_prefix "" { policy = "read" }""");
        readToken = consul.createToken("caller", """
                service_prefix "" { policy = "read" }
                node_prefix "" { policy = "read" }""");
    }

    @AfterAll
    static void stopConsul() {
        if (consul != null) {
            consul.close();
        }
    }


    private static ConfigurableApplicationContext start(Class<?> app, String name, String... extra) {
        List<String> properties = new ArrayList<>(List.of(
                "spring.application.name=" + name,
                "spring.cloud.consul.host=" + consul.host(),
                "spring.cloud.consul.port=" + consul.httpPort(),
                "mesh.tcp.host=127.0.0.1",
                "mesh.tcp.port=0",
                "mesh.tcp.advertised-host=127.0.0.1",
                "mesh.registration.check-interval=500ms",
                "mesh.registration.verify-interval=200ms",
                "mesh.registration.drain-period=0s",
                "mesh.discovery.wait=30s"));
        properties.addAll(List.of(extra));
        return new SpringApplicationBuilder(app).web(WebApplicationType.NONE)
                .properties(properties.toArray(String[]::new)).run();
    }

    private static boolean passing(String instanceId) throws Exception {
        for (JsonNode entry : JSON.readTree(consul.http().get("/v1/health/service/" + SERVICE + "?passing"))) {
            if (entry.at("/Service/ID").asString().equals(instanceId)) {
                return true;
            }
        }
        return false;
    }

    private static boolean registeredAtAll() {
        return consul.http().get("/v1/agent/services").contains("\"Service\":\"" + SERVICE + "\"");
    }

    /** The refusal that failed the start-up, found in the chain Spring wraps it in. */
    private static RegistrationRefusedException refusal(Throwable startupFailure) {
        for (Throwable cause = startupFailure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RegistrationRefusedException refused) {
                return refused;
            }
        }
        throw new AssertionError("start-up failed without a RegistrationRefusedException", startupFailure);
    }

    @Test
    void withTheTokensTheyNeedANodeRegistersACallerCallsItAndTheKeeperLeavesItBe() throws Exception {
        try (ConfigurableApplicationContext node = start(EchoNode.class, SERVICE,
                "spring.cloud.consul.discovery.acl-token=" + nodeToken);
             ConfigurableApplicationContext caller = start(Caller.class, "acl-caller",
                     "spring.cloud.consul.token=" + readToken)) {
            String id = SERVICE + "-127.0.0.1-" + node.getBean(TcpServer.class).port();
            await().atMost(Duration.ofSeconds(15)).until(() -> passing(id));

            NodeReply reply = caller.getBean(MeshClient.class).send(SERVICE, "echo", Map.of("hello", "acl"))
                    .block(Duration.ofSeconds(10));
            assertThat(reply.node().instanceId()).isEqualTo(id);
            assertThat(reply.value()).isEqualTo(JSON.readTree("{\"echo\":{\"hello\":\"acl\"}}"));

            // Its checks every 200 ms see the instance: none registers it again.
            RegistrationKeeper keeper = node.getBean(RegistrationKeeper.class);
            MeshMetrics metrics = node.getBean(MeshMetrics.class);
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> keeper.isRegistered() && keeper.consulProblem() == null
                            && metrics.reregistrations(SERVICE).count() == 0);

            node.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> !registeredAtAll());
        }
    }

    @Test
    void withoutATokenANodeFailsToStartSayingNoTokenIsSet(CapturedOutput output) {
        assertThatThrownBy(() -> start(EchoNode.class, SERVICE).close())
                .satisfies(failure -> assertThat(refusal(failure).getMessage())
                        .startsWith("Consul refused to register " + SERVICE + "-127.0.0.1-")
                        .contains("anonymous token lacks permission 'service:write' on \"acl-echo\"")
                        .contains("no ACL token is set: set spring.cloud.consul.discovery.acl-token (or"
                                + " spring.cloud.consul.token, or CONSUL_TOKEN) to a token with service:write on acl-echo"));
        assertThat(registeredAtAll()).isFalse();
        // Spring Boot's start-up failure report, not only a stack trace.
        assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
                .containsPattern("Description:\\s+Consul refused to register acl-echo-127\\.0\\.0\\.1-\\d+ with the agent at"
                        + " http://127\\.0\\.0\\.1:\\d+: Permission denied: anonymous token lacks permission 'service:write'")
                .containsPattern("Action:\\s+No ACL token is set: set spring\\.cloud\\.consul\\.discovery\\.acl-token");
    }

    @Test
    void withATokenLackingServiceWriteANodeFailsToStartNamingTheRightAndTheProperty() {
        assertThatThrownBy(() -> start(EchoNode.class, SERVICE, "spring.cloud.consul.discovery.acl-token=" + readToken).close())
                .satisfies(failure -> assertThat(refusal(failure).getMessage())
                        .contains("lacks permission 'service:write' on \"acl-echo\"")
                        .contains("the token from spring.cloud.consul.discovery.acl-token lacks service:write on acl-echo")
                        .doesNotContain(readToken));
        assertThat(registeredAtAll()).isFalse();
    }

    @Test
    void withATokenTheAgentDoesNotKnowANodeFailsToStartSayingSo() {
        String unknown = UUID.randomUUID().toString();
        assertThatThrownBy(() -> start(EchoNode.class, SERVICE, "spring.cloud.consul.token=" + unknown).close())
                .satisfies(failure -> assertThat(refusal(failure).getMessage())
                        .contains(": ACL not found — the agent knows no token with the secret from spring.cloud.consul.token")
                        .doesNotContain(unknown));
    }

    @Test
    void aCallerWhoseTokenMayNotReadNodesIsToldWhyItFindsNone() throws Exception {
        String servicesOnly = consul.createToken("services only", "service_prefix \"\" { policy = \"read\" }");
        try (ConfigurableApplicationContext node = start(EchoNode.class, SERVICE,
                "spring.cloud.consul.discovery.acl-token=" + nodeToken);
             ConfigurableApplicationContext caller = start(Caller.class, "acl-blind-caller",
                     "spring.cloud.consul.discovery.acl-token=" + servicesOnly)) {
            String id = SERVICE + "-127.0.0.1-" + node.getBean(TcpServer.class).port();
            await().atMost(Duration.ofSeconds(15)).until(() -> passing(id));

            assertThatThrownBy(() -> caller.getBean(MeshClient.class).send(SERVICE, "echo", "x").block(Duration.ofSeconds(10)))
                    .isInstanceOf(NoHealthyNodeException.class)
                    .hasMessageContaining("Consul hides instances of acl-echo from this process's ACL token")
                    .hasMessageContaining("the token from spring.cloud.consul.discovery.acl-token lacks service:read on"
                            + " acl-echo and node:read");

            Health health = caller.getBean("meshHealthIndicator", HealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            @SuppressWarnings("unchecked")
            Map<String, Object> service = (Map<String, Object>) health.getDetails().get(SERVICE);
            assertThat((String) service.get("consul")).startsWith("Consul hides instances of acl-echo").contains("(since ");
        }
    }
}
