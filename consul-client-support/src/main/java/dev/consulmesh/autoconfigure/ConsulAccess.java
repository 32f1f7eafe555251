package dev.consulmesh.autoconfigure;

import com.ecwid.consul.v1.ConsulClient;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.core.env.Environment;

/**
 * The Consul client Spring Cloud Consul configured (spring.cloud.consul.host/port/scheme/tls), with
 * the ACL token every call of the mesh passes.
 *
 * @param client       the client
 * @param aclToken     spring.cloud.consul.discovery.acl-token, else spring.cloud.consul.token, else CONSUL_TOKEN
 * @param agentAddress scheme://host:port of the agent, for messages
 */
record ConsulAccess(ConsulClient client, String aclToken, String agentAddress) {

    static ConsulAccess from(ConsulClient client, ConsulProperties properties, Environment environment) {
        String token = firstNonBlank(environment.getProperty("spring.cloud.consul.discovery.acl-token"),
                environment.getProperty("spring.cloud.consul.token"), environment.getProperty("CONSUL_TOKEN"));
        String host = properties.getHost();
        String address = (host.contains("://") ? host : properties.getScheme() == null ? "http://" + host
                : properties.getScheme() + "://" + host) + ":" + properties.getPort();
        return new ConsulAccess(client, token, address);
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
