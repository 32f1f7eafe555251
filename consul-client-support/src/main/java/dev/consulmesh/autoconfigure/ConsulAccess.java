package dev.consulmesh.autoconfigure;

import com.ecwid.consul.v1.ConsulClient;
import dev.consulmesh.consul.AclToken;
import dev.consulmesh.consul.ConsulAgent;
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

    static ConsulAgent agent(ConsulClient client, ConsulProperties properties, Environment environment) {
        return new ConsulAgent(client, address(properties), token(environment));
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

    private static String address(ConsulProperties properties) {
        String host = properties.getHost();
        String scheme = properties.getScheme() == null || properties.getScheme().isBlank() ? "http" : properties.getScheme();
        String path = properties.getPath() == null || properties.getPath().isBlank() ? ""
                : "/" + properties.getPath().replaceAll("^/+|/+$", "");
        return (host.contains("://") ? host : scheme + "://" + host) + ":" + properties.getPort() + path;
    }
}
