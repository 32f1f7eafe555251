package dev.consulmesh.autoconfigure;

import org.springframework.cloud.consul.ConsulClient;
import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.consul.ConsulProperties;

import static org.assertj.core.api.Assertions.assertThat;

/** A wrong setting fails start-up with a message naming the property. */
class MeshPropertiesValidationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class,
                    MeshTransportAutoConfiguration.class, MeshConsulAutoConfiguration.class))
            .withBean(ConsulClient.class, () -> ConsulAgent.at("127.0.0.1", FreePorts.next()).client())
            .withBean(ConsulProperties.class, ConsulProperties::new)
            .withPropertyValues("spring.application.name=test");

    private void assertRejected(String property, String value) {
        assertRejected(property, value, property);
    }

    /** Nested settings are named by their group and field ("mesh.client" ... "retry.budgetRatio"). */
    private void assertRejected(String property, String value, String... named) {
        runner.withPropertyValues(property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            for (String name : named) {
                assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(name);
            }
        });
    }

    @Test
    void rejectsOutOfRangeSettings() {
        assertRejected("mesh.discovery.wait", "0s");
        assertRejected("mesh.discovery.wait", "11m");
        assertRejected("mesh.client.request-timeout", "0ms");
        assertRejected("mesh.registration.deregister-critical-after", "30s");
        assertRejected("mesh.tcp.port", "70000");
        assertRejected("mesh.tcp.max-frame-length", "10");
        assertRejected("mesh.tcp.frame-timeout", "0s");
        assertRejected("mesh.tcp.idle-timeout", "0s");
        assertRejected("mesh.tcp.max-connections", "0");
        assertRejected("mesh.tcp.max-pending-requests-per-connection", "0");
        assertRejected("mesh.tcp.max-queued-answer-bytes", "100");
        assertRejected("mesh.tcp.blocking.max-concurrency", "0", "mesh.tcp", "blocking.maxConcurrency");
        assertRejected("mesh.tcp.blocking.max-queued", "-1", "mesh.tcp", "blocking.maxQueued");
        assertRejected("mesh.client.frame-timeout", "0s");
        assertRejected("mesh.client.retry.budget-ratio", "1.5", "mesh.client", "retry.budgetRatio");
        assertRejected("mesh.client.retry.max-attempts", "0", "mesh.client", "retry.maxAttempts");
        assertRejected("mesh.client.ejection.panic-threshold", "101", "mesh.client", "ejection.panicThreshold");
        assertRejected("mesh.client.ejection.jitter", "-0.1", "mesh.client", "ejection.jitter");
        assertRejected("mesh.client.ejection.consecutive-timeouts", "0", "mesh.client", "ejection.consecutiveTimeouts");
        assertRejected("mesh.client.ejection.consecutive-failures", "0", "mesh.client", "ejection.consecutiveFailures");
        assertRejected("mesh.client.ejection.failure-percent-threshold", "0", "mesh.client", "ejection.failurePercentThreshold");
        assertRejected("mesh.client.ejection.failure-percent-margin", "101", "mesh.client", "ejection.failurePercentMargin");
        assertRejected("mesh.client.ejection.minimum-requests", "0", "mesh.client", "ejection.minimumRequests");
        assertRejected("mesh.client.ejection.window", "5ms", "mesh.client", "ejection.window");
        assertRejected("mesh.client.ejection.max-ejection-percent", "101", "mesh.client", "ejection.maxEjectionPercent");
        assertRejected("mesh.client.ejection.trial-calls", "0", "mesh.client", "ejection.trialCalls");
        assertRejected("mesh.registration.verify-interval", "0s");
    }

    static class TwoPayloadHandlers {
        @dev.consulmesh.transport.server.MessagePattern("sum")
        int sum(int a, int b) {
            return a + b;
        }
    }

    @Test
    void aHandlerTheTransportCannotCallFailsStartUpNamingTheMethod() {
        runner.withBean(TwoPayloadHandlers.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("handler "
                    + TwoPayloadHandlers.class.getName() + "#sum(int, int) takes two payload parameters");
        });
    }

    @Test
    void anUnknownStrategyIsRejectedNamingThePropertyAndTheKnownOnes() {
        runner.withPropertyValues("mesh.client.strategy=fastest").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("mesh.client.strategy")
                    .hasStackTraceContaining("fastest");
        });
    }

    @Test
    void theStrategyIsChosenByProperty() {
        runner.withPropertyValues("mesh.client.strategy=least-outstanding").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(dev.consulmesh.client.MeshClientProperties.class).getStrategy())
                    .isEqualTo(dev.consulmesh.balancing.BalancingStrategy.LEAST_OUTSTANDING);
        });
    }

    @Test
    void peakEwmaAndTheAdaptiveAttemptTimeoutAreTheDefaults() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            dev.consulmesh.client.MeshClientProperties properties = context.getBean(dev.consulmesh.client.MeshClientProperties.class);
            assertThat(properties.getStrategy()).isEqualTo(dev.consulmesh.balancing.BalancingStrategy.PEAK_EWMA);
            assertThat(properties.getAdaptiveAttemptTimeout().isEnabled()).isTrue();
            assertThat(properties.toEjectionSettings().outliers().latencyEjection()).isTrue();
        });
    }

    @Test
    void anAdaptiveTimeoutFloorAboveTheAttemptTimeoutIsRejectedNamingBoth() {
        runner.withPropertyValues("mesh.client.adaptive-attempt-timeout.floor=3s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("mesh.client.adaptive-attempt-timeout.floor (3000 ms)"
                    + " is longer than mesh.client.attempt-timeout (2000 ms)");
        });
    }

    @Test
    void aLatencyFactorBelowOneAndAHalfIsRejectedNamingTheProperty() {
        runner.withPropertyValues("mesh.client.ejection.latency-factor=1.2").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("mesh.client.ejection.latency-factor must be 0"
                    + " (off) or at least 1.5, got 1.2");
        });
    }

    @Test
    void thePeakEwmaStrategyIsChosenByProperty() {
        runner.withPropertyValues("mesh.client.strategy=peak-ewma").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(dev.consulmesh.client.MeshClientProperties.class).getStrategy())
                    .isEqualTo(dev.consulmesh.balancing.BalancingStrategy.PEAK_EWMA);
        });
    }

    @Test
    void anEjectionMaximumShorterThanItsBaseIsRejectedNamingBoth() {
        runner.withPropertyValues("mesh.client.ejection.base-time=10s", "mesh.client.ejection.max-time=2s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining(
                    "mesh.client.ejection.max-time (2000 ms) is shorter than mesh.client.ejection.base-time (10000 ms)");
        });
    }

    @Test
    void startsWithTheDefaults() {
        runner.run(context -> assertThat(context).hasNotFailed());
    }
}
