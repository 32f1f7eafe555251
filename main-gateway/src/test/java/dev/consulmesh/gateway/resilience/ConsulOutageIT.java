package dev.consulmesh.gateway.resilience;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consul, three push-service JVMs and the gateway JVM under load; the Consul agent stops for a few seconds
 * and comes back empty on the same ports (a dev agent keeps nothing). The gateway keeps serving from what
 * it knew, and every node registers itself again on its own.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ConsulOutageIT {

    private static final String REREGISTRATIONS = "mesh.registration.reregistrations";
    private static final Duration OUTAGE = Duration.ofSeconds(5);
    private static final Duration REREGISTRATION_CEILING = Duration.ofSeconds(30);

    @Test
    void consulGoneForSecondsAndBackEmptyFailsNoRequestAndEveryNodeRegistersAgain() throws Exception {
        try (MeshCluster mesh = MeshCluster.withNodes(3).start();
             LoadGenerator load = LoadGenerator.against(mesh)) {
            load.startAndAwaitSteady(mesh.nodes());
            Map<PushNode, Double> reregistrationsBefore = new HashMap<>();
            for (PushNode node : mesh.nodes()) {
                reregistrationsBefore.put(node, node.actuator().count(REREGISTRATIONS));
            }

            mesh.consul().stop();
            long stopped = System.nanoTime();
            long sentBeforeOutage = load.sent();
            Thread.sleep(OUTAGE.toMillis()); // the scenario: users keep calling while Consul is gone
            long sentDuringOutage = load.sent() - sentBeforeOutage;
            mesh.consul().startAgain();
            long back = System.nanoTime();
            load.recordTime("Consul gone (stop to ready again)", Duration.ofNanos(back - stopped));

            Duration passingAgain = mesh.await("every node passing in Consul again", REREGISTRATION_CEILING,
                    () -> assertThat(mesh.passingNodeIds()).containsAll(mesh.nodeIds()));
            load.recordTime("Consul ready again to every node passing", passingAgain);
            mesh.await("every node counting its re-registration", REREGISTRATION_CEILING, () -> {
                for (PushNode node : mesh.nodes()) {
                    assertThat(node.actuator().count(REREGISTRATIONS)).as("%s %s", node.name(), REREGISTRATIONS)
                            .isGreaterThan(reregistrationsBefore.get(node));
                }
            });
            load.recordTime("Consul ready again to every re-registration counted", Duration.ofNanos(System.nanoTime() - back));
            load.awaitServedBy(mesh.nodes(), back, Duration.ofSeconds(30));
            load.recordTime("Consul ready again to every node serving", Duration.ofNanos(System.nanoTime() - back));
            load.stop();
            load.printSummary("Consul agent stopped for " + OUTAGE.toSeconds() + " s and started again empty, under load");

            assertThat(sentDuringOutage).as("requests sent while Consul was gone").isGreaterThan(load.concurrency());
            load.assertNoFailedRequests();
        }
    }
}
