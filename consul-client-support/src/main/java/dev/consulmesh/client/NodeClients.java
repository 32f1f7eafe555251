package dev.consulmesh.client;

import dev.consulmesh.connectivity.ConnectivityProbe;
import dev.consulmesh.discovery.ServiceNode;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.transport.client.TcpClient;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.wire.LimitViolations;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.client.IoThreads;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Opens the persistent TCP clients to nodes (and connectivity probes) on one shared set of I/O
 * threads: its own, or a web server's (then a call made while serving a web request stays on that
 * request's thread). Each service's pool owns and closes the clients it opened.
 */
public final class NodeClients implements AutoCloseable {

    private final TcpClientOptions options;
    private final PacketCodec codec;
    private final LimitViolations violations;
    private final IoThreads io;

    /** Clients whose limit violations are counted in memory only (for tests). */
    public NodeClients(TcpClientOptions options, PacketCodec codec) {
        this(options, codec, MeshMetrics.inMemory());
    }

    /** Clients on I/O threads of their own. */
    public NodeClients(TcpClientOptions options, PacketCodec codec, MeshMetrics metrics) {
        this(options, codec, metrics, IoThreads.dedicated("mesh-client-io", 0));
    }

    /** Clients on the given I/O threads; closing these clients closes the threads only when {@code io} owns them. */
    public NodeClients(TcpClientOptions options, PacketCodec codec, MeshMetrics metrics, IoThreads io) {
        this.options = options;
        this.codec = codec;
        this.violations = new LimitViolations("client", metrics, LoggerFactory.getLogger(TcpClient.class));
        this.io = io;
    }

    /**
     * Clients with other options (a service's own TLS) on the same I/O threads, counting limits in the
     * same place; closing them closes nothing shared.
     */
    public NodeClients withOptions(TcpClientOptions other) {
        return new NodeClients(other, codec, violations, IoThreads.shared(io.group(), io.channelType()));
    }

    private NodeClients(TcpClientOptions options, PacketCodec codec, LimitViolations violations, IoThreads io) {
        this.options = options;
        this.codec = codec;
        this.violations = violations;
        this.io = io;
    }

    /** A new client to the node; it connects on its first call. */
    public TcpClient open(ServiceNode node) {
        return new TcpClient(node.host(), node.port(), options, io, codec, violations);
    }

    /** A connectivity probe sharing these I/O threads. */
    public ConnectivityProbe probe(Duration timeout) {
        return new ConnectivityProbe(io, codec, options, timeout, violations);
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
        io.close();
    }
}
