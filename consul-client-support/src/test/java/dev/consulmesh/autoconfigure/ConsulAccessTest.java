package dev.consulmesh.autoconfigure;

import dev.consulmesh.consul.AclToken;
import dev.consulmesh.consul.ConsulAgent;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

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
}
