package dev.consulmesh.transport.client;

import tools.jackson.databind.JsonNode;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.transport.wire.EventPacket;
import dev.consulmesh.transport.wire.FrameDecoder;
import dev.consulmesh.transport.wire.FrameEncoder;
import dev.consulmesh.transport.wire.JsonFrame;
import dev.consulmesh.transport.wire.LimitViolations;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.RequestPacket;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

import javax.net.ssl.SSLParameters;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A persistent client to one node, like Nest's {@code ClientTCP} but reconnecting: one TCP connection
 * per I/O thread it is called from (see {@link IoThreads}; calls from other threads share the first
 * one), opened on the first call and again on the next call after it closed, with any number of
 * requests in flight on it, matched to their answers by id.
 */
public final class TcpClient implements AutoCloseable {

    private static final FrameEncoder FRAME_ENCODER = new FrameEncoder();
    /**
     * Requests written in a row, at most, before they go to the socket in one write: a request written while
     * the connection reads answers is flushed when the read ends, one written from elsewhere by a task of the
     * connection's event loop, so calls made together cost one system call instead of one each. Netty's default,
     * 256, held a connection's requests back so long that 64 calls in flight on one connection ran 0.67-0.77x as
     * many a second as with a flush per request; 16 ran 1.26x (bench/CHANGES.md, change 17).
     */
    private static final int FLUSH_AFTER_WRITES = 16;

    private final String host;
    private final int port;
    private final String node;
    private final TcpClientOptions options;
    private final IoThreads io;
    private final PacketCodec codec;
    private final LimitViolations violations;
    private final Object lock = new Object();
    /** By I/O thread: the connection opened from it, or being opened. */
    private final CompletableFuture<Connection>[] connections;
    private volatile boolean closed;
    private volatile boolean closeWhenIdle;

    /** A client whose limit violations are counted in memory only (for tests and tools). */
    public TcpClient(String host, int port, TcpClientOptions options, EventLoopGroup group, PacketCodec codec) {
        this(host, port, options, IoThreads.of(group), codec, new LimitViolations("client", MeshMetrics.inMemory(),
                org.slf4j.LoggerFactory.getLogger(TcpClient.class)));
    }

    /** @param violations where the connections report an answer frame too long, malformed or left incomplete */
    @SuppressWarnings("unchecked")
    public TcpClient(String host, int port, TcpClientOptions options, IoThreads io, PacketCodec codec,
                     LimitViolations violations) {
        this.host = host;
        this.port = port;
        this.node = host + ":" + port;
        this.options = options;
        this.io = io;
        this.codec = codec;
        this.violations = violations;
        this.connections = new CompletableFuture[io.size()];
    }

    public String node() {
        return node;
    }

    /**
     * Sends a request and streams the values of its answer packets; completes after the last one.
     * Nothing is sent until the returned {@code Flux} is subscribed.
     */
    public Flux<JsonNode> send(JsonNode pattern, JsonNode data) {
        return send(pattern, data, options.requestTimeout());
    }

    public Flux<JsonNode> send(JsonNode pattern, JsonNode data, Duration timeout) {
        return send(pattern, data, timeout, Map.of());
    }

    /** @param headers the packet's headers (trace context, deadline; see {@code PacketHeaders}); none: Nest's frame */
    public Flux<JsonNode> send(JsonNode pattern, JsonNode data, Duration timeout, Map<String, String> headers) {
        return send(pattern, data, timeout, headers, false);
    }

    /**
     * @param keepBytes each value of the answer as the bytes that came ({@link dev.consulmesh.transport.wire.RawJson},
     *                  checked, not parsed into a tree), for a caller that passes them on
     */
    public Flux<JsonNode> send(JsonNode pattern, JsonNode data, Duration timeout, Map<String, String> headers,
                               boolean keepBytes) {
        return Flux.create(sink -> connect().whenComplete((connection, failure) -> {
            if (failure != null) {
                sink.error(failure);
            } else {
                connection.request(pattern, data, headers, timeout, keepBytes, sink);
            }
        }));
    }

    /** Sends an event; completes when it is written to the connection. No answer is expected. */
    public Mono<Void> emit(JsonNode pattern, JsonNode data) {
        return emit(pattern, data, Map.of());
    }

    public Mono<Void> emit(JsonNode pattern, JsonNode data, Map<String, String> headers) {
        return Mono.fromFuture(() -> connect().thenCompose(connection -> connection.event(pattern, data, headers)));
    }

    /** Requests on the current connections still waiting for their answers. */
    public int pending() {
        int waiting = 0;
        for (Connection current : currentConnections()) {
            waiting += current.pending.size();
        }
        return waiting;
    }

    /** True once {@link #close()} or {@link #closeWhenIdle()} was called: it takes no new calls. */
    public boolean isClosed() {
        return closed;
    }

    public boolean isConnected() {
        for (Connection current : currentConnections()) {
            if (current.channel.isActive()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        closed = true;
        for (Connection current : currentConnections()) {
            current.channel.close();
        }
    }

    /** Closes the connection as soon as no request is pending on it; new calls fail meanwhile. */
    public void closeWhenIdle() {
        closed = true;
        closeWhenIdle = true;
        if (pending() == 0) {
            close();
        }
    }

    private List<Connection> currentConnections() {
        List<Connection> open = new ArrayList<>(connections.length);
        synchronized (lock) {
            for (CompletableFuture<Connection> connection : connections) {
                if (connection != null && connection.isDone() && !connection.isCompletedExceptionally()) {
                    open.add(connection.join());
                }
            }
        }
        return open;
    }

    private CompletableFuture<Connection> connect() {
        if (closed) {
            return CompletableFuture.failedFuture(new NodeUnreachableException(node, UnreachableReason.CLIENT_CLOSED,
                    "the client is closed", null));
        }
        int slot = io.slotOfCurrentThread();
        synchronized (lock) {
            CompletableFuture<Connection> connection = connections[slot];
            if (connection != null && (!connection.isDone()
                    || (!connection.isCompletedExceptionally() && connection.join().channel.isActive()))) {
                return connection;
            }
            CompletableFuture<Connection> opening = new CompletableFuture<>();
            connections[slot] = opening;
            open(slot, opening);
            return opening;
        }
    }

    private void open(int slot, CompletableFuture<Connection> opening) {
        PendingRequests pending = new PendingRequests(node, codec, violations, this::onIdle);
        Bootstrap bootstrap = new Bootstrap()
                .group(io.loop(slot))
                .channel(io.channelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true);
        KeepAliveOptions.apply(bootstrap, io.channelType(), options.keepAlive());
        bootstrap.handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (options.tls() != null) {
                            channel.pipeline().addLast("tls", tlsHandler(channel));
                        }
                        channel.pipeline()
                                .addLast("flush-consolidation", new FlushConsolidationHandler(FLUSH_AFTER_WRITES, true))
                                .addLast("frame-decoder", new FrameDecoder(options.maxFrameLength(), options.frameTimeout()))
                                .addLast("frame-encoder", FRAME_ENCODER)
                                .addLast("pending-requests", pending);
                    }
                });
        bootstrap.connect(host, port).addListener((ChannelFuture connected) -> {
            if (connected.isSuccess() && options.tls() != null) {
                connected.channel().pipeline().get(SslHandler.class).handshakeFuture().addListener(handshake -> {
                    if (handshake.isSuccess()) {
                        opening.complete(new Connection(connected.channel(), pending));
                    } else {
                        connected.channel().close();
                        opening.completeExceptionally(new NodeUnreachableException(node, UnreachableReason.TLS_HANDSHAKE,
                                "TLS handshake failed (" + rootMessage(handshake.cause()) + ")", handshake.cause()));
                    }
                });
            } else if (connected.isSuccess()) {
                opening.complete(new Connection(connected.channel(), pending));
            } else {
                opening.completeExceptionally(unreachable(connected.cause()));
            }
        });
    }

    private NodeUnreachableException unreachable(Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        if (cause instanceof ConnectTimeoutException) {
            return new NodeUnreachableException(node, UnreachableReason.CONNECT_TIMEOUT,
                    "no connection within " + options.connectTimeout().toMillis() + " ms", cause);
        }
        if (cause instanceof NoRouteToHostException || message.contains("No route to host")
                || message.contains("Network is unreachable")) {
            return new NodeUnreachableException(node, UnreachableReason.NO_ROUTE, "no route (" + message + ")", cause);
        }
        if (cause instanceof ConnectException && message.contains("refused")) {
            return new NodeUnreachableException(node, UnreachableReason.REFUSED, "connection refused", cause);
        }
        if (message.contains("reset") || cause instanceof ClosedChannelException) {
            return new NodeUnreachableException(node, UnreachableReason.RESET, "connection reset (" + message + ")", cause);
        }
        return new NodeUnreachableException(node, UnreachableReason.OTHER, message, cause);
    }

    private SslHandler tlsHandler(SocketChannel channel) {
        // The context of this moment: after an SSL bundle update, new connections use the new material.
        SslHandler handler = options.tls().context().get().newHandler(channel.alloc(), host, port);
        if (options.tls().verifyHostname()) {
            SSLParameters parameters = handler.engine().getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            handler.engine().setSSLParameters(parameters);
        }
        handler.setHandshakeTimeout(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return handler;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private void onIdle() {
        if (closeWhenIdle && pending() == 0) {
            close();
        }
    }

    /** One open connection and the requests waiting on it. */
    private final class Connection {
        final Channel channel;
        final PendingRequests pending;

        Connection(Channel channel, PendingRequests pending) {
            this.channel = channel;
            this.pending = pending;
        }

        void request(JsonNode pattern, JsonNode data, Map<String, String> headers, Duration timeout, boolean keepBytes,
                     FluxSink<JsonNode> sink) {
            String id = RequestIds.next();
            while (!pending.add(id, sink, keepBytes)) {
                id = RequestIds.next();
            }
            String requestId = id;
            sink.onCancel(() -> pending.remove(requestId));
            pending.setTimeout(requestId, channel.eventLoop().schedule(() -> {
                FluxSink<JsonNode> timedOut = pending.remove(requestId);
                if (timedOut != null) {
                    timedOut.error(new RequestTimeoutException(node, pattern, timeout));
                }
            }, timeout.toNanos(), TimeUnit.NANOSECONDS));
            JsonFrame frame = codec.writeFrame(new RequestPacket(pattern, data, codec.nodes().stringNode(requestId), headers));
            channel.writeAndFlush(frame).addListener(written -> {
                if (!written.isSuccess()) {
                    FluxSink<JsonNode> failed = pending.remove(requestId);
                    if (failed != null) {
                        failed.error(new NodeUnreachableException(node, UnreachableReason.RESET,
                                "the request could not be written (" + written.cause() + ")", written.cause()));
                    }
                }
            });
        }

        CompletableFuture<Void> event(JsonNode pattern, JsonNode data, Map<String, String> headers) {
            CompletableFuture<Void> sent = new CompletableFuture<>();
            channel.writeAndFlush(codec.writeFrame(new EventPacket(pattern, data, headers))).addListener(written -> {
                if (written.isSuccess()) {
                    sent.complete(null);
                } else {
                    sent.completeExceptionally(new NodeUnreachableException(node, UnreachableReason.RESET,
                            "the event could not be written (" + written.cause() + ")", written.cause()));
                }
            });
            return sent;
        }
    }
}
