package dev.consulmesh.discovery;

import dev.consulmesh.consul.AclToken;
import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.testsupport.LocalConsulAgent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Discovery against a real Consul dev agent that enforces ACLs with a default policy of deny: a token
 * with the read rights sees the instances; a token without them, no token, or a token the agent does
 * not know make the watcher say so instead of silently seeing zero instances.
 */
class HealthyNodesWatcherAclConsulTest {

    private static final String SERVICE = "acl-watched";
    private static LocalConsulAgent consul;

    @BeforeAll
    static void startConsulWithAnInstance() {
        consul = LocalConsulAgent.startWithAcls();
        consul.http().put("/v1/agent/service/register", """
                {"ID":"acl-watched-1","Name":"acl-watched","Address":"127.0.0.1","Port":4101,
                 "Check":{"TTL":"10m","Status":"passing"}}""");
    }

    @AfterAll
    static void stopConsul() {
        if (consul != null) {
            consul.close();
        }
    }

    private static HealthyNodesWatcher watch(AclToken token) {
        DiscoveryProperties properties = new DiscoveryProperties();
        properties.setInitialBackoff(Duration.ofMillis(50));
        return new HealthyNodesWatcher(SERVICE, ConsulAgent.at(consul.host(), consul.httpPort(), token), properties);
    }

    @Test
    void aTokenThatMayReadServicesAndNodesSeesTheInstance() throws Exception {
        String token = consul.createToken("reader", """
                service_prefix "" { policy = "read" }
                node_prefix "" { policy = "read" }""");
        try (HealthyNodesWatcher watcher = watch(AclToken.of(token, "spring.cloud.consul.discovery.acl-token"))) {
            HealthyNodes first = watcher.firstAnswer().get(10, TimeUnit.SECONDS);
            assertThat(first.nodes()).extracting(ServiceNode::instanceId).containsExactly("acl-watched-1");
            assertThat(watcher.consulProblem()).isNull();
        }
    }

    @Test
    void aTokenWithoutNodeReadIsToldThatConsulHidesTheInstances() throws Exception {
        String token = consul.createToken("services only", "service_prefix \"\" { policy = \"read\" }");
        try (HealthyNodesWatcher watcher = watch(AclToken.of(token, "spring.cloud.consul.token"))) {
            assertThat(watcher.firstAnswer().get(10, TimeUnit.SECONDS).nodes()).isEmpty();
            assertThat(watcher.consulProblem())
                    .startsWith("Consul hides instances of acl-watched from this process's ACL token")
                    .contains("the token from spring.cloud.consul.token lacks service:read on acl-watched and node:read")
                    .doesNotContain(token);
            assertThat(watcher.consulProblemSince()).isNotNull();
        }
    }

    @Test
    void withoutATokenUnderDefaultDenyTheWatcherSaysNoTokenIsSet() throws Exception {
        // Consul masks X-Consul-Results-Filtered-By-ACLs for the anonymous token: the default policy tells.
        try (HealthyNodesWatcher watcher = watch(AclToken.none())) {
            assertThat(watcher.firstAnswer().get(10, TimeUnit.SECONDS).nodes()).isEmpty();
            assertThat(watcher.consulProblem())
                    .contains("without an ACL token while the agent denies by default")
                    .contains("no ACL token is set: set spring.cloud.consul.discovery.acl-token (or spring.cloud.consul.token,"
                            + " or CONSUL_TOKEN) to a token with service:read on acl-watched and node:read");
        }
    }

    @Test
    void aTokenTheAgentDoesNotKnowIsReportedAsRefusedNotAsAnOutage() {
        String unknown = UUID.randomUUID().toString();
        try (HealthyNodesWatcher watcher = watch(AclToken.of(unknown, "CONSUL_TOKEN"))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> watcher.consulProblem() != null);
            assertThat(watcher.current()).as("no answer to publish").isNull();
            assertThat(watcher.consulProblem())
                    .startsWith("Consul refuses to list acl-watched to this process: ACL not found")
                    .contains("the agent knows no token with the secret from CONSUL_TOKEN")
                    .doesNotContain(unknown);
        }
    }

    @Test
    void aServiceWithNoInstanceAtAllIsNoProblemForATokenThatMayReadIt() throws Exception {
        String token = consul.createToken("reader", """
                service_prefix "" { policy = "read" }
                node_prefix "" { policy = "read" }""");
        DiscoveryProperties properties = new DiscoveryProperties();
        try (HealthyNodesWatcher watcher = new HealthyNodesWatcher("acl-nobody",
                ConsulAgent.at(consul.host(), consul.httpPort(), AclToken.of(token, "CONSUL_TOKEN")), properties)) {
            assertThat(watcher.firstAnswer().get(10, TimeUnit.SECONDS).nodes()).isEmpty();
            assertThat(watcher.consulProblem()).isNull();
        }
    }
}
