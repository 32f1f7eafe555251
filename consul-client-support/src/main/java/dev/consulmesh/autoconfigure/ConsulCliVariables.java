package dev.consulmesh.autoconfigure;

import org.springframework.core.env.PropertyResolver;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The environment variables of Consul's own CLI as Spring Cloud Consul settings, so a process started
 * where {@code consul} works reaches the same agent: {@code CONSUL_HTTP_ADDR} ({@code host:port}, or
 * with {@code http://} / {@code https://}; {@code CONSUL_HTTP_SSL=true} makes a bare address https). The
 * token, {@code CONSUL_HTTP_TOKEN}, and the CA file, {@code CONSUL_CACERT}, are read where the mesh's
 * Consul access is built ({@link ConsulAccess}).
 *
 * <p>Precedence, highest first: {@code spring.cloud.consul.*} given anywhere (command line, environment,
 * application.yml), then the mesh's own {@code CONSUL_HOST} / {@code CONSUL_PORT} (when either is set
 * they decide the address, the other defaulting to {@code localhost} / {@code 8500}), then
 * {@code CONSUL_HTTP_ADDR}, then {@code localhost:8500}.
 */
final class ConsulCliVariables {

    static final String HTTP_ADDR = "CONSUL_HTTP_ADDR";
    static final String HTTP_SSL = "CONSUL_HTTP_SSL";
    static final String HOST = "CONSUL_HOST";
    static final String PORT = "CONSUL_PORT";

    private static final Set<String> SCHEMES = Set.of("http", "https");

    private ConsulCliVariables() {
    }

    /** The Spring Cloud Consul settings the variables in {@code environment} stand for; empty when none is set. */
    static Map<String, Object> settings(PropertyResolver environment) {
        Map<String, Object> settings = new LinkedHashMap<>();
        String host = text(environment, HOST);
        String port = text(environment, PORT);
        String address = text(environment, HTTP_ADDR);
        if (host != null || port != null) {
            settings.put("spring.cloud.consul.host", host != null ? host : "localhost");
            settings.put("spring.cloud.consul.port", port != null ? port : "8500");
        } else if (address != null) {
            URI agent = agentAddress(address, "true".equalsIgnoreCase(text(environment, HTTP_SSL)));
            settings.put("spring.cloud.consul.scheme", agent.getScheme());
            settings.put("spring.cloud.consul.host", agent.getHost());
            settings.put("spring.cloud.consul.port", String.valueOf(agent.getPort() != -1 ? agent.getPort()
                    : agent.getScheme().equals("https") ? 443 : 80));
        }
        return settings;
    }

    /** {@code CONSUL_HTTP_ADDR} as a URI with scheme, host and (perhaps) port, as the CLI reads it. */
    static URI agentAddress(String address, boolean ssl) {
        String withScheme = address.contains("://") ? address : (ssl ? "https://" : "http://") + address;
        try {
            URI uri = new URI(withScheme);
            if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme().toLowerCase()) || uri.getHost() == null
                    || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
                throw new IllegalArgumentException(invalid(address));
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(invalid(address), e);
        }
    }

    private static String invalid(String address) {
        return HTTP_ADDR + "=" + address + " is not an address of a Consul agent's HTTP API: give host:port"
                + " (127.0.0.1:8500), http://host:port or https://host:port (a unix socket is not supported), or set"
                + " spring.cloud.consul.host and spring.cloud.consul.port";
    }

    private static String text(PropertyResolver environment, String name) {
        String value = environment.getProperty(name);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
