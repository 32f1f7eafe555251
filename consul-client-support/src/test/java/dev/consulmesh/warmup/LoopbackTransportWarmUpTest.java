package dev.consulmesh.warmup;

import dev.consulmesh.client.NodeClients;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.wire.PacketCodec;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The library's own warm-up step: a loopback TCP server and client of its own, every call answered. */
class LoopbackTransportWarmUpTest {

    @Test
    void makesItsCallsThroughALoopbackServerAndClientWithoutAFailure() {
        PacketCodec codec = new PacketCodec(new ObjectMapper());
        try (NodeClients clients = new NodeClients(TcpClientOptions.defaults(), codec)) {
            LoopbackTransportWarmUp step = new LoopbackTransportWarmUp(codec, clients);
            WarmUpBudget budget = new WarmUpBudget(2_000, 16, System.nanoTime() + Duration.ofSeconds(60).toNanos(),
                    new RateSettling(Duration.ofSeconds(60), 5));

            StepResult result = step.run(budget);

            assertThat(result.skipped()).isNull();
            assertThat(result.calls()).isEqualTo(2_000);
            assertThat(result.failures()).isZero();
        }
    }

    @Test
    void noCallsConfiguredSkipsTheStepSayingWhichSetting() {
        PacketCodec codec = new PacketCodec(new ObjectMapper());
        try (NodeClients clients = new NodeClients(TcpClientOptions.defaults(), codec)) {
            StepResult result = new LoopbackTransportWarmUp(codec, clients)
                    .run(new WarmUpBudget(0, 1, System.nanoTime(), new RateSettling(Duration.ofSeconds(1), 5)));

            assertThat(result.skipped()).contains("mesh.warm-up.loopback-calls");
        }
    }
}
