package dev.consulmesh.autoconfigure;

import com.ecwid.consul.v1.ConsulClient;
import dev.consulmesh.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.consul.ConsulProperties;

import static org.assertj.core.api.Assertions.assertThat;

/** A wrong setting fails start-up with a message naming the property. */
class MeshPropertiesValidationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class,
                    MeshTransportAutoConfiguration.class, MeshConsulAutoConfiguration.class))
            .withBean(ConsulClient.class, () -> new ConsulClient("127.0.0.1", FreePorts.next()))
            .withBean(ConsulProperties.class, ConsulProperties::new)
            .withPropertyValues("spring.application.name=test");

    private void assertRejected(String property, String value) {
        runner.withPropertyValues(property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(property);
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
    }

    @Test
    void startsWithTheDefaults() {
        runner.run(context -> assertThat(context).hasNotFailed());
    }
}
