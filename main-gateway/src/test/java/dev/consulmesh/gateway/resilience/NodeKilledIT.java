package dev.consulmesh.gateway.resilience;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consul, three push-service JVMs and the gateway JVM under load; one node is killed with SIGKILL, so it
 * neither deregisters nor finishes what it was answering. The gateway tries those calls again on the
 * other nodes: no user sees a failure.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class NodeKilledIT {

    private static final Duration LOAD_AFTER_KILL = Duration.ofSeconds(5);

    @Test
    void aNodeKilledUnderLoadFailsNoRequestBecauseTheGatewayRetriesElsewhere() throws Exception {
        try (MeshCluster mesh = MeshCluster.withNodes(3).start();
             LoadGenerator load = LoadGenerator.against(mesh)) {
            load.startAndAwaitSteady(mesh.nodes());
            PushNode victim = mesh.node(1);
            double retriesBeforeKill = load.gatewayRetriesCounted();

            Duration victimIdleBeforeKill = load.sinceLastServed(victim);
            victim.kill();
            long killed = System.nanoTime();
            long sentBeforeKill = load.sent();
            assertThat(victimIdleBeforeKill).as("time since %s last answered when it was killed", victim.instanceId())
                    .isLessThan(Duration.ofSeconds(1));

            Thread.sleep(LOAD_AFTER_KILL.toMillis()); // the scenario: users keep calling after the kill
            load.stop();
            load.recordTime("since " + victim.name() + " last answered, at the kill", victimIdleBeforeKill);
            load.recordTime("load after the kill", Duration.ofNanos(System.nanoTime() - killed));
            load.printSummary("node killed with SIGKILL under load");

            assertThat(load.sent() - sentBeforeKill).as("requests sent after the kill").isGreaterThan(load.concurrency());
            load.assertNoFailedRequests();
            assertThat(load.gatewayRetriesCounted()).as("gateway retries (mesh.client.retries) after the kill")
                    .isGreaterThan(retriesBeforeKill);
        }
    }
}
