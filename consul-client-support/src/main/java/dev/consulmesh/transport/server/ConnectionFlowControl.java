package dev.consulmesh.transport.server;

import dev.consulmesh.transport.wire.FrameDecoder;
import dev.consulmesh.transport.wire.LimitViolations;
import dev.consulmesh.transport.wire.TransportLimit;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AttributeKey;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides when the server reads one connection. It stops reading it (auto-read off) while the connection
 * has its maximum of requests pending — received, final answer not yet written to the channel — or while
 * its peer does not read the answers (the channel is not writable: its queue of answer bytes is over the
 * limit even after a flush, so the socket itself is full). It reads again once pending requests are down
 * to half the maximum and the answers drained.
 * Nothing is closed or refused: the peer's further requests wait in TCP buffers, which slows that peer
 * alone. Runs on the connection's event loop only.
 */
final class ConnectionFlowControl extends ChannelDuplexHandler {

    private static final AttributeKey<ConnectionFlowControl> KEY =
            AttributeKey.valueOf(ConnectionFlowControl.class, "flowControl");

    private final int maxPending;
    private final LimitViolations violations;
    private final AtomicInteger pausedConnections;
    private ChannelHandlerContext ctx;
    private int pending;
    private boolean paused;
    private boolean resumeScheduled;

    /** @param pausedConnections the server's count of connections not read for now */
    ConnectionFlowControl(int maxPending, LimitViolations violations, AtomicInteger pausedConnections) {
        this.maxPending = maxPending;
        this.violations = violations;
        this.pausedConnections = pausedConnections;
    }

    /** The flow control of a server connection. */
    static ConnectionFlowControl of(Channel channel) {
        return channel.attr(KEY).get();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.channel().attr(KEY).set(this);
    }

    /** A request was handed to its handler. */
    void requestStarted() {
        pending++;
        if (pending >= maxPending && !paused) {
            pause(TransportLimit.MAX_PENDING_REQUESTS, "not read until half of its " + maxPending
                    + " pending requests are answered");
        }
    }

    /**
     * Answer packets were written to the channel, the final one of a request when {@code finalAnswer}.
     * When they push the queue over its limit they are flushed at once: only if the socket does not take
     * them either does the peer count as not reading.
     */
    void answersWritten(boolean finalAnswer) {
        if (finalAnswer && pending > 0) {
            pending--;
        }
        if (!ctx.channel().isWritable()) {
            ctx.flush();
        }
        if (!ctx.channel().isWritable()) {
            if (!paused) {
                pause(TransportLimit.UNREAD_ANSWERS, "does not read its answers; not read until they drain");
            }
        } else {
            resumeWhenDrained();
        }
    }

    /** Requests running for this connection, whose answers can still be written: not an idle connection. */
    boolean isBusy() {
        return pending > 0 && ctx.channel().isWritable();
    }

    boolean isPaused() {
        return paused;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            resumeWhenDrained();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** Swallows read requests while paused (a decoder asks for more when it got no whole frame). */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (!paused) {
            ctx.read();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (paused) {
            paused = false;
            pausedConnections.decrementAndGet();
        }
        super.channelInactive(ctx);
    }

    private void pause(TransportLimit limit, String detail) {
        paused = true;
        pausedConnections.incrementAndGet();
        ctx.channel().config().setAutoRead(false);
        violations.record(limit, "from " + ctx.channel().remoteAddress(), detail);
    }

    private void resumeWhenDrained() {
        if (paused && !resumeScheduled && drained()) {
            // On a later turn of the event loop: never inside the read that is handing out frames now.
            resumeScheduled = true;
            ctx.executor().execute(this::resume);
        }
    }

    private boolean drained() {
        return pending <= maxPending / 2 && ctx.channel().isWritable();
    }

    private void resume() {
        resumeScheduled = false;
        if (!paused || !ctx.channel().isActive() || !drained()) {
            return;
        }
        paused = false;
        pausedConnections.decrementAndGet();
        ctx.channel().config().setAutoRead(true);
        ctx.fireUserEventTriggered(FrameDecoder.RESUME);
    }
}
