package dev.consulmesh.autoconfigure;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Consul's CLI variables as Spring Cloud Consul settings, and which wins when several are set. */
class ConsulCliVariablesTest {

    private static Map<String, Object> settings(String... nameValues) {
        MockEnvironment environment = new MockEnvironment();
        for (int i = 0; i < nameValues.length; i += 2) {
            environment.setProperty(nameValues[i], nameValues[i + 1]);
        }
        return ConsulCliVariables.settings(environment);
    }

    @Test
    void hostAndPortAsTheCliTakesThem() {
        assertThat(settings("CONSUL_HTTP_ADDR", "127.0.0.1:18500")).containsEntry("spring.cloud.consul.scheme", "http")
                .containsEntry("spring.cloud.consul.host", "127.0.0.1").containsEntry("spring.cloud.consul.port", "18500");
    }

    @Test
    void aSchemeIsKeptAndAMissingPortIsTheSchemesOwn() {
        assertThat(settings("CONSUL_HTTP_ADDR", "https://consul.internal:8501"))
                .containsEntry("spring.cloud.consul.scheme", "https").containsEntry("spring.cloud.consul.host", "consul.internal")
                .containsEntry("spring.cloud.consul.port", "8501");
        assertThat(settings("CONSUL_HTTP_ADDR", "https://consul.internal")).containsEntry("spring.cloud.consul.port", "443");
        assertThat(settings("CONSUL_HTTP_ADDR", "http://10.0.0.5")).containsEntry("spring.cloud.consul.port", "80");
    }

    @Test
    void consulHttpSslMakesABareAddressHttps() {
        assertThat(settings("CONSUL_HTTP_ADDR", "10.0.0.5:8501", "CONSUL_HTTP_SSL", "true"))
                .containsEntry("spring.cloud.consul.scheme", "https").containsEntry("spring.cloud.consul.port", "8501");
    }

    @Test
    void theMeshsOwnVariablesWinOverConsulHttpAddr() {
        assertThat(settings("CONSUL_HTTP_ADDR", "10.0.0.5:8501", "CONSUL_HOST", "127.0.0.1"))
                .containsEntry("spring.cloud.consul.host", "127.0.0.1").containsEntry("spring.cloud.consul.port", "8500")
                .doesNotContainKey("spring.cloud.consul.scheme");
        assertThat(settings("CONSUL_PORT", "18500")).containsEntry("spring.cloud.consul.host", "localhost")
                .containsEntry("spring.cloud.consul.port", "18500");
    }

    @Test
    void nothingSetIsNoSetting() {
        assertThat(settings()).isEmpty();
        assertThat(settings("CONSUL_HTTP_ADDR", " ")).isEmpty();
    }

    @Test
    void anAddressTheMeshCannotUseFailsNamingTheVariable() {
        for (String address : new String[] {"unix:///var/run/consul.sock", "ftp://h:1", "http://h:1/v1/agent", "h:port"}) {
            assertThatThrownBy(() -> settings("CONSUL_HTTP_ADDR", address)).as(address)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("CONSUL_HTTP_ADDR=" + address).hasMessageContaining("host:port");
        }
    }

    @Test
    void everySettingOfTheApplicationWinsOverTheVariables() {
        MockEnvironment environment = new MockEnvironment().withProperty("spring.cloud.consul.host", "10.9.9.9");
        environment.setProperty("CONSUL_HTTP_ADDR", "127.0.0.1:18500");
        new ConsulDefaultsEnvironmentPostProcessor().postProcessEnvironment(environment, null);

        assertThat(environment.getProperty("spring.cloud.consul.host")).isEqualTo("10.9.9.9");
        assertThat(environment.getProperty("spring.cloud.consul.port")).isEqualTo("18500");
    }
}
