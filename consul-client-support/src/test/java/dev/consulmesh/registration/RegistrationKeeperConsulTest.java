package dev.consulmesh.registration;

import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.testsupport.FreePorts;
import dev.consulmesh.testsupport.TestConsul;
import io.micrometer.core.instrument.Counter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RegistrationKeeperConsulTest {

    private static ServiceRegistration registration(int port) {
        RegistrationProperties properties = new RegistrationProperties();
        return new ServiceRegistration("kept-127.0.0.1-" + port, "kept", "127.0.0.1", port,
                ServiceRegistration.HealthCheck.tcp("127.0.0.1:" + port, properties), List.of(), Map.of());
    }

    @Test
    void registersAgainWhenTheAgentLostTheRegistration() {
        try (TestConsul consul = TestConsul.start()) {
            ConsulRegistrar registrar = new ConsulRegistrar(ConsulAgent.at(consul.host(), consul.httpPort()));
            Counter reregistrations = MeshMetrics.inMemory().reregistrations("kept");
            ServiceRegistration registration = registration(FreePorts.next());
            try (RegistrationKeeper keeper = new RegistrationKeeper(registrar, Duration.ofMillis(200), Duration.ofMillis(50),
                    Duration.ofMillis(500), reregistrations)) {
                keeper.start(registration);
                assertThat(registrar.isRegistered(registration)).isTrue();

                // What an agent restart does to a registration made over its API.
                consul.http().put("/v1/agent/service/deregister/" + registration.instanceId(), null);
                long lost = System.nanoTime();

                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                        .until(() -> registrar.isRegistered(registration));
                System.out.printf("registration lost by the agent was made again after %d ms%n",
                        Duration.ofNanos(System.nanoTime() - lost).toMillis());
                assertThat(reregistrations.count()).isEqualTo(1);
            }
            assertThat(registrar.isRegistered(registration)).as("closing the keeper deregisters").isFalse();
        }
    }

    @Test
    void anAgentThatCannotBeReachedAtStartupDoesNotStopTheProcessAndIsRetried() {
        int closedPort = FreePorts.next();
        ConsulRegistrar registrar = new ConsulRegistrar(ConsulAgent.at("127.0.0.1", closedPort));
        try (RegistrationKeeper keeper = new RegistrationKeeper(registrar, Duration.ofMillis(200), Duration.ofMillis(50),
                Duration.ofMillis(200), MeshMetrics.inMemory().reregistrations("kept"))) {
            keeper.start(registration(FreePorts.next()));
            assertThat(keeper.isRegistered()).isFalse();
            assertThat(keeper.consulProblem()).contains("cannot register kept-127.0.0.1-")
                    .contains("http://127.0.0.1:" + closedPort);
        }
    }
}
