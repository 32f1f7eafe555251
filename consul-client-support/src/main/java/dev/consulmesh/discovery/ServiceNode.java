package dev.consulmesh.discovery;

import java.util.Map;
import java.util.Objects;

/**
 * One registered instance of a service, as Consul lists it.
 *
 * @param instanceId the instance id it registered with (unique per agent; this mesh uses name-host-port)
 * @param service    the service name
 * @param host       the address to connect to: the service's registered address, else its node's
 * @param port       the registered port
 * @param meta       the service's metadata
 */
public record ServiceNode(String instanceId, String service, String host, int port, Map<String, String> meta) {

    public ServiceNode {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(host, "host");
        meta = meta == null ? Map.of() : Map.copyOf(meta);
    }

    /** host:port, for messages and logs. */
    public String address() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
