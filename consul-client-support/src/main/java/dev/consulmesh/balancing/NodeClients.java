package dev.consulmesh.balancing;

import dev.consulmesh.discovery.HealthyNodes;
import dev.consulmesh.discovery.ServiceNode;
import dev.consulmesh.transport.client.TcpClient;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.wire.PacketCodec;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One persistent TCP client per node, shared by every call to that node. When a node leaves the
 * healthy set, its client stops taking calls and closes once its pending requests are answered.
 */
public final class NodeClients implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeClients.class);

    private final TcpClientOptions options;
    private final PacketCodec codec;
    private final EventLoopGroup group;
    private final Map<ServiceNode, TcpClient> clients = new ConcurrentHashMap<>();

    public NodeClients(TcpClientOptions options, PacketCodec codec) {
        this.options = options;
        this.codec = codec;
        this.group = new NioEventLoopGroup(0, new DefaultThreadFactory("mesh-client-io", true));
    }

    public TcpClient clientFor(ServiceNode node) {
        return clients.computeIfAbsent(node, n -> new TcpClient(n.host(), n.port(), options, group, codec));
    }

    /** Retires the clients of this service's nodes that are no longer in the healthy set. */
    public void retainOnly(HealthyNodes healthy) {
        Set<ServiceNode> keep = Set.copyOf(healthy.nodes());
        Set<ServiceNode> leaving = clients.keySet().stream()
                .filter(node -> node.service().equals(healthy.service()) && !keep.contains(node))
                .collect(Collectors.toSet());
        for (ServiceNode node : leaving) {
            TcpClient client = clients.remove(node);
            if (client != null) {
                log.info("node {} ({}) left the healthy set of {}: closing its client after {} pending request(s)",
                        node.instanceId(), node.address(), node.service(), client.pending());
                client.closeWhenIdle();
            }
        }
    }

    /** The clients currently open, by node. */
    public Map<ServiceNode, TcpClient> clients() {
        return Map.copyOf(clients);
    }

    @Override
    public void close() {
        clients.values().forEach(TcpClient::close);
        clients.clear();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
