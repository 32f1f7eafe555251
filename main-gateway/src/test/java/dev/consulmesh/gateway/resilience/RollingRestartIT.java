package dev.consulmesh.gateway.resilience;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consul, three push-service JVMs and the gateway JVM under load; every node is restarted in turn, as a
 * deployment would: SIGTERM (it deregisters, drains, stops), then started again on the same ports, and
 * serving again before the next one stops. No user sees a failure.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RollingRestartIT {

    @Test
    void restartingEveryNodeInTurnUnderLoadFailsNoRequest() {
        try (MeshCluster mesh = MeshCluster.withNodes(3).start();
             LoadGenerator load = LoadGenerator.against(mesh)) {
            load.startAndAwaitSteady(mesh.nodes());

            for (PushNode node : mesh.nodes()) {
                long stopping = System.nanoTime();
                int exitCode = node.terminate();
                load.recordTime(node.name() + " SIGTERM to exit", Duration.ofNanos(System.nanoTime() - stopping));
                assertThat(exitCode).as("%s exit code after SIGTERM", node.name()).isIn(0, 143);

                node.startAgain();
                long startedAgain = System.nanoTime();
                Duration servingAgain = load.awaitServedBy(List.of(node), startedAgain, Duration.ofSeconds(90));
                load.recordTime(node.name() + " started again to serving", servingAgain);
            }
            load.stop();
            load.printSummary("rolling restart of every node under load");

            load.assertNoFailedRequests();
        }
    }
}
