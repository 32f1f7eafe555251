package dev.consulmesh.transport.server;

import dev.consulmesh.transport.wire.LimitViolations;
import dev.consulmesh.transport.wire.TransportLimit;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a server connection on which nothing was read or written for the idle timeout, unless one of
 * its requests is still running (a slow handler is no idle peer). A peer that stopped reading its
 * answers counts as idle: its answers are not being written.
 */
final class IdleConnectionCloser extends IdleStateHandler {

    private final Duration idleTimeout;
    private final ConnectionFlowControl flow;
    private final LimitViolations violations;

    IdleConnectionCloser(Duration idleTimeout, ConnectionFlowControl flow, LimitViolations violations) {
        super(false, 0, 0, idleTimeout.toNanos(), TimeUnit.NANOSECONDS);
        this.idleTimeout = idleTimeout;
        this.flow = flow;
        this.violations = violations;
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
        if (flow.isBusy()) {
            return;
        }
        violations.record(TransportLimit.IDLE_TIMEOUT, "from " + ctx.channel().remoteAddress(),
                "closed: nothing read or written for " + idleTimeout.toMillis() + " ms");
        ctx.close();
    }
}
