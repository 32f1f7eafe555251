package dev.consulmesh.autoconfigure;

import dev.consulmesh.consul.AclToken;
import dev.consulmesh.consul.ConsulAgent;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.cloud.consul.ConsulAutoConfiguration;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.core.env.Environment;

/**
 * The Consul agent as Spring Cloud Consul configured it (spring.cloud.consul.host/port/scheme/path/tls),
 * with the ACL token every call of the mesh passes: spring.cloud.consul.discovery.acl-token, else
 * spring.cloud.consul.token, else CONSUL_TOKEN.
 */
final class ConsulAccess {

    private static final String[] TOKEN_PROPERTIES = {
            "spring.cloud.consul.discovery.acl-token", "spring.cloud.consul.token", "CONSUL_TOKEN"};

    private ConsulAccess() {
    }

    /**
     * @param settings the HTTP client settings Spring Cloud Consul built from its properties (its TLS
     *                 bundle), or null for plain ones
     */
    static ConsulAgent agent(ConsulProperties properties, HttpClientSettings settings, Environment environment) {
        return new ConsulAgent(ConsulAutoConfiguration.createConsulClientBaseUrl(properties), settings, token(environment));
    }

    static AclToken token(Environment environment) {
        for (String property : TOKEN_PROPERTIES) {
            String value = environment.getProperty(property);
            if (value != null && !value.isBlank()) {
                return AclToken.of(value, property);
            }
        }
        return AclToken.none();
    }
}
