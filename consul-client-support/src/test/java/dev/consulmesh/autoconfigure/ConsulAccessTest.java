package dev.consulmesh.autoconfigure;

import dev.consulmesh.consul.AclToken;
import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.testsupport.TestCertificates;
import org.junit.jupiter.api.Test;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.mock.env.MockEnvironment;

import java.security.KeyStore;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which ACL token the mesh passes, and that its secret shows nowhere. */
class ConsulAccessTest {

    @Test
    void theDiscoveryTokenWinsThenSpringCloudConsulsThenConsulToken() {
        MockEnvironment all = new MockEnvironment()
                .withProperty("spring.cloud.consul.discovery.acl-token", "discovery-secret")
                .withProperty("spring.cloud.consul.token", "consul-secret")
                .withProperty("CONSUL_TOKEN", "env-secret");
        assertThat(ConsulAccess.token(all).secret()).isEqualTo("discovery-secret");
        assertThat(ConsulAccess.token(all).source()).isEqualTo("spring.cloud.consul.discovery.acl-token");

        MockEnvironment blankDiscovery = new MockEnvironment()
                .withProperty("spring.cloud.consul.discovery.acl-token", " ")
                .withProperty("spring.cloud.consul.token", "consul-secret")
                .withProperty("CONSUL_TOKEN", "env-secret");
        assertThat(ConsulAccess.token(blankDiscovery).source()).isEqualTo("spring.cloud.consul.token");

        MockEnvironment envOnly = new MockEnvironment().withProperty("CONSUL_TOKEN", "env-secret");
        assertThat(ConsulAccess.token(envOnly).secret()).isEqualTo("env-secret");
        assertThat(ConsulAccess.token(envOnly).source()).isEqualTo("CONSUL_TOKEN");

        MockEnvironment bothVariables = new MockEnvironment().withProperty("CONSUL_TOKEN", "env-secret")
                .withProperty("CONSUL_HTTP_TOKEN", "cli-secret");
        assertThat(ConsulAccess.token(bothVariables).source()).isEqualTo("CONSUL_TOKEN");

        MockEnvironment cliOnly = new MockEnvironment().withProperty("CONSUL_HTTP_TOKEN", "cli-secret");
        assertThat(ConsulAccess.token(cliOnly).secret()).isEqualTo("cli-secret");
        assertThat(ConsulAccess.token(cliOnly).source()).isEqualTo("CONSUL_HTTP_TOKEN");

        assertThat(ConsulAccess.token(new MockEnvironment()).isSet()).isFalse();
    }

    @Test
    void theSecretShowsInNoDescription() {
        ConsulProperties properties = new ConsulProperties();
        properties.setHost("127.0.0.1");
        properties.setPort(8500);
        ConsulAgent agent = ConsulAccess.agent(properties, null,
                new MockEnvironment().withProperty("spring.cloud.consul.token", "s3cr3t-value"));
        assertThat(agent.aclToken()).isEqualTo("s3cr3t-value");
        assertThat(agent.toString()).isEqualTo("Consul agent at http://127.0.0.1:8500 (ACL token from spring.cloud.consul.token)");
        assertThat(AclToken.none().toString()).isEqualTo("no ACL token");
    }

    @Test
    void theAgentAddressHasTheSchemeAndPathSpringCloudConsulUses() {
        ConsulProperties properties = new ConsulProperties();
        properties.setHost("consul.internal");
        properties.setPort(8501);
        properties.setScheme("https");
        properties.setPath("/consul/");
        assertThat(ConsulAccess.agent(properties, null, new MockEnvironment()).address())
                .isEqualTo("https://consul.internal:8501/consul");
    }

    @Test
    void consulCaCertIsTheTrustOfTheMeshsConsulCallsUnlessSpringCloudConsulGivesOne() throws Exception {
        try (TestCertificates certificates = TestCertificates.create()) {
            TestCertificates.Pair ca = certificates.authority("consul-ca");
            MockEnvironment environment = new MockEnvironment().withProperty("CONSUL_CACERT", ca.certificate().toString());

            HttpClientSettings settings = ConsulAccess.withCaCert(null, environment);
            KeyStore trust = settings.sslBundle().getStores().getTrustStore();
            assertThat(Collections.list(trust.aliases())).hasSize(1);

            HttpClientSettings springCloudsOwn = HttpClientSettings.ofSslBundle(settings.sslBundle());
            assertThat(ConsulAccess.withCaCert(springCloudsOwn, environment)).isSameAs(springCloudsOwn);
            assertThat(ConsulAccess.withCaCert(null, new MockEnvironment())).isNull();
        }
    }

    @Test
    void aCaCertThatCannotBeReadFailsNamingTheVariable() {
        MockEnvironment environment = new MockEnvironment().withProperty("CONSUL_CACERT", "/nowhere/ca.pem");

        assertThatThrownBy(() -> ConsulAccess.withCaCert(null, environment))
                .hasMessageContaining("CONSUL_CACERT=/nowhere/ca.pem cannot be read");
    }
}
