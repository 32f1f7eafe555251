package dev.consulmesh.balancing;

import dev.consulmesh.connectivity.ConnectivityProbe;
import dev.consulmesh.discovery.ServiceNode;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.transport.client.TcpClient;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.wire.LimitViolations;
import dev.consulmesh.transport.wire.PacketCodec;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Opens the persistent TCP clients to nodes (and connectivity probes) on one shared set of I/O
 * threads. Each service's pool owns and closes the clients it opened.
 */
public final class NodeClients implements AutoCloseable {

    private final TcpClientOptions options;
    private final PacketCodec codec;
    private final LimitViolations violations;
    private final EventLoopGroup group;

    /** Clients whose limit violations are counted in memory only (for tests). */
    public NodeClients(TcpClientOptions options, PacketCodec codec) {
        this(options, codec, MeshMetrics.inMemory());
    }

    public NodeClients(TcpClientOptions options, PacketCodec codec, MeshMetrics metrics) {
        this.options = options;
        this.codec = codec;
        this.violations = new LimitViolations("client", metrics, LoggerFactory.getLogger(TcpClient.class));
        this.group = new NioEventLoopGroup(0, new DefaultThreadFactory("mesh-client-io", true));
    }

    /** A new client to the node; it connects on its first call. */
    public TcpClient open(ServiceNode node) {
        return new TcpClient(node.host(), node.port(), options, group, codec, violations);
    }

    /** A connectivity probe sharing these I/O threads. */
    public ConnectivityProbe probe(Duration timeout) {
        return new ConnectivityProbe(group, codec, options, timeout, violations);
    }

    /** The limits the nodes' answers hit on this process's client connections: counts per limit. */
    public LimitViolations limitViolations() {
        return violations;
    }

    public TcpClientOptions options() {
        return options;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
