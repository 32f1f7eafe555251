package dev.consulmesh.autoconfigure;

import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.cloud.consul.ConsulClient;
import org.springframework.cloud.consul.ConsulProperties;

import static org.assertj.core.api.Assertions.assertThat;

/** A wrong warm-up setting fails start-up with a message naming the property. */
class WarmUpPropertiesValidationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class, MeshTransportAutoConfiguration.class,
                    MeshConsulAutoConfiguration.class, MeshWarmUpAutoConfiguration.class))
            .withBean(ConsulClient.class, () -> ConsulAgent.at("127.0.0.1", FreePorts.next()).client())
            .withBean(ConsulProperties.class, ConsulProperties::new)
            .withPropertyValues("spring.application.name=test", "mesh.warm-up.enabled=true");

    private void assertRejected(String property, String value) {
        runner.withPropertyValues(property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(property);
        });
    }

    @Test
    void rejectsOutOfRangeSettings() {
        assertRejected("mesh.warm-up.max-duration", "-1s");
        assertRejected("mesh.warm-up.max-duration", "6m");
        assertRejected("mesh.warm-up.min-duration", "-1s");
        assertRejected("mesh.warm-up.min-duration", "2m");
        assertRejected("mesh.warm-up.loopback-calls", "-1");
        assertRejected("mesh.warm-up.calls", "-1");
        assertRejected("mesh.warm-up.concurrency", "0");
        assertRejected("mesh.warm-up.settle-time", "0s");
        assertRejected("mesh.warm-up.settle-percent", "101");
    }

    @Test
    void offItAddsNoWarmUp() {
        runner.withPropertyValues("mesh.warm-up.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(WarmUpLifecycle.class));
    }
}
