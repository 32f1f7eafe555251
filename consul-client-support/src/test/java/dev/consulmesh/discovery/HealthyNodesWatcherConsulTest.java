package dev.consulmesh.discovery;

import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.testsupport.TestConsul;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Discovery against a real Consul agent: blocking queries, passing filter, address fallback. */
class HealthyNodesWatcherConsulTest {

    private static TestConsul consul;
    private static ConsulAgent agent;

    @BeforeAll
    static void startConsul() {
        consul = TestConsul.start();
        agent = ConsulAgent.at(consul.host(), consul.httpPort());
    }

    @AfterAll
    static void stopConsul() {
        if (consul != null) {
            consul.close();
        }
    }

    private static DiscoveryProperties longWait() {
        DiscoveryProperties properties = new DiscoveryProperties();
        properties.setWait(Duration.ofSeconds(60));
        return properties;
    }

    private static void registerTtl(String service, String id, String address, int port, String status) {
        consul.http().put("/v1/agent/service/register", """
                {"ID":"%s","Name":"%s","Address":"%s","Port":%d,
                 "Check":{"CheckID":"%s-ttl","TTL":"10m","Status":"%s"}}""".formatted(id, service, address, port, id, status));
    }

    @Test
    void anOutstandingBlockingQueryReturnsAsSoonAsTheDataChangesNotAtTheEndOfItsWait() throws Exception {
        try (HealthyNodesWatcher watcher = new HealthyNodesWatcher("blocking", agent, longWait())) {
            HealthyNodes first = watcher.firstAnswer().get(10, TimeUnit.SECONDS);
            assertThat(first.nodes()).isEmpty();
            Thread.sleep(300); // let the next query block in Consul with the index of the first answer

            long changedAt = System.nanoTime();
            registerTtl("blocking", "blocking-1", "127.0.0.1", 4001, "passing");

            // The watcher's query waits up to 60 s; seeing the change long before proves it returned on the change.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> watcher.current().nodes().size() == 1);
            long seenAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - changedAt);
            System.out.println("blocking query saw the registration after " + seenAfterMs + " ms");
            assertThat(watcher.current().nodes().get(0))
                    .isEqualTo(new ServiceNode("blocking-1", "blocking", "127.0.0.1", 4001, java.util.Map.of()));
        }
    }

    @Test
    void onlyPassingInstancesAreListedAndTheNodeAddressFillsAnEmptyServiceAddress() throws Exception {
        registerTtl("mixed", "mixed-ok", "", 4002, "passing");
        registerTtl("mixed", "mixed-critical", "127.0.0.1", 4003, "critical");
        try (HealthyNodesWatcher watcher = new HealthyNodesWatcher("mixed", agent, longWait())) {
            HealthyNodes nodes = watcher.firstAnswer().get(10, TimeUnit.SECONDS);
            assertThat(nodes.nodes()).extracting(ServiceNode::instanceId).containsExactly("mixed-ok");
            assertThat(nodes.nodes().get(0).host()).isEqualTo("127.0.0.1"); // the agent's node address

            consul.http().put("/v1/agent/check/pass/mixed-critical-ttl", null);
            await().atMost(Duration.ofSeconds(10)).until(() -> watcher.current().nodes().size() == 2);

            consul.http().put("/v1/agent/check/fail/mixed-ok-ttl", null);
            await().atMost(Duration.ofSeconds(10)).until(() -> watcher.current().nodes().stream()
                    .map(ServiceNode::instanceId).toList().equals(java.util.List.of("mixed-critical")));
        }
    }

    @Test
    void keepsTheLastKnownSetWhileConsulCannotBeReached() throws Exception {
        DiscoveryProperties properties = longWait();
        properties.setWait(Duration.ofSeconds(1));
        try (TestConsul own = TestConsul.start()) {
            own.http().put("/v1/agent/service/register", """
                    {"ID":"kept-1","Name":"kept","Address":"127.0.0.1","Port":4004,
                     "Check":{"TTL":"10m","Status":"passing"}}""");
            try (HealthyNodesWatcher watcher = new HealthyNodesWatcher("kept",
                    ConsulAgent.at(own.host(), own.httpPort()), properties)) {
                assertThat(watcher.firstAnswer().get(10, TimeUnit.SECONDS).nodes()).hasSize(1);

                own.kill();

                await().atMost(Duration.ofSeconds(15)).until(() -> watcher.consulProblem() != null);
                assertThat(watcher.current().nodes()).extracting(ServiceNode::instanceId).containsExactly("kept-1");
            }
        }
    }
}
