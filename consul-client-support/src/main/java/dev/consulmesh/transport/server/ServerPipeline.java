package dev.consulmesh.transport.server;

import dev.consulmesh.transport.wire.FrameDecoder;
import dev.consulmesh.transport.wire.FrameEncoder;
import dev.consulmesh.transport.wire.LimitViolations;
import dev.consulmesh.transport.wire.TransportLimit;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import dev.consulmesh.transport.tls.CurrentTlsContext;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sets up each accepted connection of a {@link TcpServer}, in one visible place: refuses it when the
 * server holds its maximum of connections, otherwise builds its pipeline —
 * TLS when enabled, idle timeout, flow control, framing (with the frame length and frame timeout limits), frame writing,
 * then dispatch to the handlers.
 */
final class ServerPipeline extends ChannelInitializer<Channel> {

    private final TcpServerProperties properties;
    private final CurrentTlsContext tls;
    private final RequestDispatcher dispatcher;
    private final LimitViolations violations;
    private final ChannelGroup connections;
    private final FrameEncoder frameEncoder = new FrameEncoder();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger paused = new AtomicInteger();

    /** @param tls the server's TLS context, read for each accepted connection; null for plain TCP */
    ServerPipeline(TcpServerProperties properties, CurrentTlsContext tls, RequestDispatcher dispatcher, LimitViolations violations,
                   ChannelGroup connections) {
        this.properties = properties;
        this.tls = tls;
        this.dispatcher = dispatcher;
        this.violations = violations;
        this.connections = connections;
    }

    @Override
    protected void initChannel(Channel channel) {
        int max = properties.getMaxConnections();
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            violations.record(TransportLimit.MAX_CONNECTIONS, "from " + channel.remoteAddress(),
                    "closed at once: the server already holds its maximum of " + max + " connections");
            channel.close();
            return;
        }
        channel.closeFuture().addListener(closed -> open.decrementAndGet());
        connections.add(channel);
        int queued = properties.getMaxQueuedAnswerBytes();
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(queued / 2, queued));
        ConnectionFlowControl flow = new ConnectionFlowControl(properties.getMaxPendingRequestsPerConnection(),
                violations, paused);
        if (tls != null) {
            // The context of this moment: a certificate rotated since the last accept is presented from now on.
            channel.pipeline().addLast("tls", tls.get().newHandler(channel.alloc()));
        }
        channel.pipeline()
                .addLast("idle-timeout", new IdleConnectionCloser(properties.getIdleTimeout(), flow, violations))
                .addLast("flow-control", flow)
                .addLast("frame-decoder", new FrameDecoder(properties.getMaxFrameLength(), properties.getFrameTimeout()))
                .addLast("frame-encoder", frameEncoder)
                .addLast("dispatcher", dispatcher);
    }

    /** Connections accepted and not closed yet. */
    int openConnections() {
        return open.get();
    }

    /** Connections not read for now (backpressure). */
    int pausedConnections() {
        return paused.get();
    }
}
