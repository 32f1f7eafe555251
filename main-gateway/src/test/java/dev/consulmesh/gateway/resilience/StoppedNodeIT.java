package dev.consulmesh.gateway.resilience;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consul, three push-service JVMs and the gateway JVM (one attempt on a node may take 1 s) under load; one
 * node is frozen with SIGSTOP. The kernel still accepts its connections, so Consul's TCP check keeps
 * passing: only the gateway can tell it does not answer. It ejects the node, and takes it back once it
 * is thawed with SIGCONT. Only calls already in flight to the node may fail.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class StoppedNodeIT {

    private static final Duration FROZEN_AFTER_EJECTION = Duration.ofSeconds(3);

    @Test
    void aFrozenNodeIsEjectedByTheGatewayAndTakenBackWhenItAnswersAgain() throws Exception {
        try (MeshCluster mesh = MeshCluster.withNodes(3).gatewayArgs("--mesh.client.attempt-timeout=1s").start();
             LoadGenerator load = LoadGenerator.against(mesh)) {
            load.startAndAwaitSteady(mesh.nodes());
            PushNode frozen = mesh.node(2);

            frozen.pause();
            Duration ejected = mesh.await(frozen.instanceId() + " ejected by the gateway as not answering",
                    Duration.ofSeconds(60), () -> {
                        MeshReport.Node node = mesh.meshReport().node(frozen.instanceId()).orElseThrow();
                        assertThat(node.state()).as("state of %s", node).isEqualTo("ejected");
                        assertThat(node.diagnosis()).as("diagnosis of %s", node).contains("does not answer");
                    });
            load.recordTime("SIGSTOP to ejected", ejected);
            Thread.sleep(FROZEN_AFTER_EJECTION.toMillis()); // the scenario: users keep calling while it stays frozen
            assertThat(mesh.meshReport().node(frozen.instanceId()).map(MeshReport.Node::state))
                    .as("state of %s after %s more frozen (its probes cannot be answered)", frozen.instanceId(), FROZEN_AFTER_EJECTION)
                    .hasValue("ejected");

            frozen.resume();
            long resumed = System.nanoTime();
            Duration servingAgain = load.awaitServedBy(List.of(frozen), resumed, Duration.ofSeconds(60));
            load.recordTime("SIGCONT to serving again", servingAgain);
            mesh.await(frozen.instanceId() + " healthy again in the gateway", Duration.ofSeconds(60),
                    () -> assertThat(mesh.meshReport().node(frozen.instanceId()).map(MeshReport.Node::state)).hasValue("healthy"));
            load.recordTime("SIGCONT to healthy again", Duration.ofNanos(System.nanoTime() - resumed));
            load.stop();
            load.printSummary("node frozen with SIGSTOP, then thawed with SIGCONT, under load");

            // Calls already on their way to the frozen node may fail; there are never more than the users.
            load.assertFailedAtMost(load.concurrency());
        }
    }
}
