package dev.consulmesh.discovery;

import java.util.List;
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
 * @param tags       the service's tags
 * @param datacenter the Consul datacenter that lists it; empty when not known
 * @param nodeMeta   the metadata of the Consul node (agent) it is registered on
 * @param weights    Consul's weights of the instance
 *                   <p>
 *                   Two nodes are equal when they are the same endpoint of the same registration (id, service,
 *                   host, port, metadata): a caller keeps its connection to a node whose weights or tags
 *                   change. {@link #sameAs} compares everything Consul said.
 */
public record ServiceNode(String instanceId, String service, String host, int port, Map<String, String> meta,
                          List<String> tags, String datacenter, Map<String, String> nodeMeta, ServiceWeights weights) {

    public ServiceNode {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(host, "host");
        meta = meta == null ? Map.of() : Map.copyOf(meta);
        tags = tags == null ? List.of() : List.copyOf(tags);
        datacenter = datacenter == null ? "" : datacenter;
        nodeMeta = nodeMeta == null ? Map.of() : Map.copyOf(nodeMeta);
        weights = weights == null ? ServiceWeights.DEFAULT : weights;
    }

    /** An instance with no tags, weights or datacenter known (Consul's defaults). */
    public ServiceNode(String instanceId, String service, String host, int port, Map<String, String> meta) {
        this(instanceId, service, host, port, meta, List.of(), "", Map.of(), ServiceWeights.DEFAULT);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ServiceNode node && port == node.port && instanceId.equals(node.instanceId)
                && service.equals(node.service) && host.equals(node.host) && meta.equals(node.meta);
    }

    @Override
    public int hashCode() {
        return Objects.hash(instanceId, service, host, port, meta);
    }

    /** Whether Consul says the same of both: the endpoint, and tags, datacenter, node metadata and weights. */
    public boolean sameAs(ServiceNode other) {
        return this == other || equals(other) && tags.equals(other.tags) && datacenter.equals(other.datacenter)
                && nodeMeta.equals(other.nodeMeta) && weights.equals(other.weights);
    }

    /** Whether both lists hold nodes Consul says the same of, in the same order. */
    public static boolean sameLists(List<ServiceNode> one, List<ServiceNode> other) {
        if (one.size() != other.size()) {
            return false;
        }
        for (int i = 0; i < one.size(); i++) {
            if (!one.get(i).sameAs(other.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** host:port, for messages and logs. */
    public String address() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    /** A metadata value: the service's own, else its Consul node's; null when neither has the key. */
    public String metaValue(String key) {
        String own = meta.get(key);
        return own != null ? own : nodeMeta.get(key);
    }
}
