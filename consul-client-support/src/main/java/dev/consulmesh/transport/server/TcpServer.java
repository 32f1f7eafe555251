package dev.consulmesh.transport.server;

import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.transport.wire.LimitViolations;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.observation.MeshInstrumentation;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import dev.consulmesh.transport.tls.CurrentTlsContext;
import dev.consulmesh.transport.tls.TlsProperties;
import dev.consulmesh.transport.tls.TlsSetup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A NestJS-compatible TCP server: per connection a pipeline of framing, then dispatch to the
 * annotated handlers ({@link ServerPipeline}). Many requests are served concurrently on one connection.
 * The limits of {@link TcpServerProperties} bound what one peer can make it hold; each time a peer hits
 * one, {@link LimitViolations} counts it in {@code mesh.tcp.limits} and logs it (rate-limited).
 */
public final class TcpServer {

    private static final Logger log = LoggerFactory.getLogger(TcpServer.class);

    private final TcpServerProperties properties;
    private final HandlerRegistry handlers;
    private final PacketCodec codec;
    private final ChannelGroup connections = new DefaultChannelGroup("tcp-connections", GlobalEventExecutor.INSTANCE);
    private final MeshMetrics metrics;
    private final LimitViolations violations;
    private final BlockingHandlerExecutor blocking;
    private final RequestDispatcher dispatcher;
    private final ServerPipeline pipeline;
    private final CurrentTlsContext tls;
    /** Threads shared with other servers in this process, which this one neither starts nor stops; null: its own. */
    private final EventLoopGroup sharedGroup;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;

    /** A server whose meters stay in memory (see {@link MeshMetrics#inMemory()}). */
    public TcpServer(TcpServerProperties properties, HandlerRegistry handlers, PacketCodec codec) {
        this(properties, handlers, codec, MeshMetrics.inMemory());
    }

    /** A server whose TLS, when enabled, comes from PEM files (an SSL bundle needs the application's bundles). */
    public TcpServer(TcpServerProperties properties, HandlerRegistry handlers, PacketCodec codec, MeshMetrics metrics) {
        this(properties, handlers, codec, metrics, TlsSetup.server(properties.getTls(), properties.prefix() + ".tls", null));
    }

    /** @param tls the TLS context of each accepted connection (see {@link TlsSetup#server}); null for plain TCP */
    public TcpServer(TcpServerProperties properties, HandlerRegistry handlers, PacketCodec codec, MeshMetrics metrics,
                     CurrentTlsContext tls) {
        this(properties, handlers, codec, metrics, tls, MeshInstrumentation.NONE);
    }

    /** @param observations how handler invocations are timed and traced ({@link MeshInstrumentation#NONE}: not at all) */
    public TcpServer(TcpServerProperties properties, HandlerRegistry handlers, PacketCodec codec, MeshMetrics metrics,
                     CurrentTlsContext tls, MeshInstrumentation observations) {
        this(properties, handlers, codec, metrics, tls, observations, null);
    }

    /**
     * Many servers in one process (a simulation of many nodes) sharing one group of threads: each server
     * of its own would hold an accept thread and an I/O thread per core, with their selectors.
     *
     * @param sharedGroup accepts and serves the connections; not shut down when this server stops
     */
    public TcpServer(TcpServerProperties properties, HandlerRegistry handlers, PacketCodec codec, EventLoopGroup sharedGroup) {
        this(properties, handlers, codec, MeshMetrics.inMemory(), null, MeshInstrumentation.NONE, sharedGroup);
    }

    private TcpServer(TcpServerProperties properties, HandlerRegistry handlers, PacketCodec codec, MeshMetrics metrics,
                      CurrentTlsContext tls, MeshInstrumentation observations, EventLoopGroup sharedGroup) {
        this.sharedGroup = sharedGroup;
        this.properties = properties;
        this.handlers = handlers;
        this.codec = codec;
        this.metrics = metrics;
        this.tls = tls;
        this.violations = new LimitViolations("server", metrics, log);
        TcpServerProperties.BlockingLimits limits = properties.getBlocking();
        this.blocking = new BlockingHandlerExecutor(limits.getMaxConcurrency(), limits.getMaxQueued(),
                properties.prefix() + ".blocking", violations);
        this.dispatcher = new RequestDispatcher(handlers, codec, violations, blocking,
                new HandlerObservations(observations, metrics, properties.getMaxDeadline()));
        this.pipeline = new ServerPipeline(properties, tls, dispatcher, violations, connections);
    }

    /** Binds the server; fails with the address when the port is taken or the host is not local. */
    public synchronized void start() {
        if (serverChannel != null) {
            return;
        }
        if (sharedGroup == null) {
            // The accept thread is not a daemon: a node without a web server stays up while it serves, as a
            // web server's own thread keeps its process up; stop() ends it.
            bossGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("tcp-accept", false));
            workerGroup = new NioEventLoopGroup(0, new DefaultThreadFactory("tcp-io", true));
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(sharedGroup != null ? sharedGroup : bossGroup, sharedGroup != null ? sharedGroup : workerGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(pipeline);
        InetSocketAddress address = new InetSocketAddress(properties.getHost(), properties.getPort());
        try {
            serverChannel = bootstrap.bind(address).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            shutdownGroups();
            throw new IllegalStateException("cannot listen on TCP " + properties.getHost() + ":" + properties.getPort()
                    + " (" + e.getMessage() + "): is the port taken, or is the host not an address of this machine?"
                    + " Check " + properties.prefix() + ".host / " + properties.prefix() + ".port", e);
        }
        metrics.tcpServer(port(), this, TcpServer::openConnections, TcpServer::pausedConnections);
        log.info("TCP server listening on {} with {} handler(s); at most {} connections, frames up to {} characters{}",
                serverChannel.localAddress(), handlers.size(), properties.getMaxConnections(), properties.getMaxFrameLength(),
                tls == null ? "" : "; TLS from " + tls.source() + (properties.getTls().getClientAuth() == TlsProperties.ClientAuth.REQUIRE
                        ? " with client certificates required" : ""));
        if (handlers.hasBlockingHandlers()) {
            log.info("@Blocking handlers run on {} threads, at most {} at once, {} more waiting",
                    BlockingHandlerExecutor.virtualThreadsAvailable() ? "virtual" : "platform",
                    properties.getBlocking().getMaxConcurrency(), properties.getBlocking().getMaxQueued());
        }
    }

    /** The bound port: the configured one, or the one picked when the configured port is 0. */
    public int port() {
        Channel channel = serverChannel;
        if (channel == null) {
            throw new IllegalStateException("TCP server is not running");
        }
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public String bindHost() {
        return properties.getHost();
    }

    public boolean isRunning() {
        Channel channel = serverChannel;
        return channel != null && channel.isActive();
    }

    /** Connections currently open to this server. */
    public int openConnections() {
        return pipeline.openConnections();
    }

    /** Connections this server does not read for now, because of their pending requests or unread answers. */
    public int pausedConnections() {
        return pipeline.pausedConnections();
    }

    /** The limits peers of this server hit: counts per limit. */
    public LimitViolations limitViolations() {
        return violations;
    }

    public int inFlightRequests() {
        return dispatcher.inFlight();
    }

    /**
     * Stops accepting connections, waits up to the shutdown timeout for in-flight requests to be
     * answered, then closes every connection.
     */
    public synchronized void stop() {
        if (serverChannel == null) {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        awaitInFlight(properties.getShutdownTimeout());
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        blocking.shutdown();
        serverChannel = null;
        shutdownGroups();
        log.info("TCP server stopped");
    }

    private void awaitInFlight(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (dispatcher.inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (dispatcher.inFlight() > 0) {
            log.warn("closing TCP connections with {} request(s) still in flight after {}", dispatcher.inFlight(), timeout);
        }
    }

    private void shutdownGroups() {
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        workerGroup = null;
        bossGroup = null;
    }
}
