package dev.consulmesh.gateway.resilience;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consul, three push-service JVMs and the gateway JVM under load; one node listens on 127.0.0.1 but
 * registers 127.0.0.2, while Consul's check goes to 127.0.0.1 and passes: Consul calls it healthy, yet
 * every connection to where it is registered is refused. The gateway serves from the other nodes and
 * says what is wrong with that one.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MisregisteredNodeIT {

    private static final String WRONG_HOST = "127.0.0.2";
    /** The least time users call with the bad node registered. */
    private static final Duration LOAD = Duration.ofSeconds(5);

    @Test
    void aNodeRegisteredWhereNothingListensFailsNoRequestAndIsDiagnosed() throws Exception {
        try (MeshCluster mesh = MeshCluster.withNodes(3).registeringUnreachableAddress(2, WRONG_HOST).start();
             LoadGenerator load = LoadGenerator.against(mesh)) {
            PushNode misregistered = mesh.node(2);
            List<PushNode> reachable = List.of(mesh.node(0), mesh.node(1));
            long loadStart = System.nanoTime();
            load.startAndAwaitSteady(reachable);

            String expected = "Consul reports passing but " + WRONG_HOST + ":" + misregistered.tcpPort() + " refuses";
            mesh.await(misregistered.instanceId() + " diagnosed in /actuator/mesh", Duration.ofSeconds(30), () -> {
                MeshReport.Node node = mesh.meshReport().node(misregistered.instanceId()).orElseThrow();
                assertThat(node.diagnosis()).as("diagnosis of %s", node).contains(expected);
            });
            Duration loadToDiagnosis = Duration.ofNanos(System.nanoTime() - loadStart);
            Duration rest = LOAD.minus(loadToDiagnosis);
            if (!rest.isNegative()) {
                Thread.sleep(rest.toMillis()); // the scenario: users keep calling with the bad node registered
            }
            load.stop();
            load.recordTime("load start to diagnosis in /actuator/mesh", loadToDiagnosis);
            load.printSummary("node registered at " + WRONG_HOST + " where it does not listen, under load");

            assertThat(mesh.passingNodeIds()).as("Consul's view").contains(misregistered.instanceId());
            assertThat(load.servedCount(misregistered)).as("calls answered by %s", misregistered.instanceId()).isZero();
            load.assertNoFailedRequests();
        }
    }
}
