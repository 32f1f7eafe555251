package dev.consulmesh.gateway.edge;

import dev.consulmesh.logging.RateLimitedLog;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request headers do not arrive in time, counted from the request's first
 * byte (a client that sends one header line every few seconds keeps a connection's idle timer from
 * ever firing). Two handlers share the deadline: one below the HTTP codec sees the first bytes of a
 * request, one above it sees the headers decoded. All of it runs on the connection's event loop.
 */
final class HeaderDeadline {

    private final Duration timeout;
    private final RateLimitedLog timeouts;
    private boolean inRequest;
    private ScheduledFuture<?> pending;

    HeaderDeadline(Duration timeout, RateLimitedLog timeouts) {
        this.timeout = timeout;
        this.timeouts = timeouts;
    }

    /** Goes before the HTTP codec: a request's first bytes start the clock. */
    final class FirstBytes extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf bytes && bytes.isReadable() && !inRequest && pending == null) {
                Channel channel = ctx.channel();
                pending = ctx.executor().schedule(() -> expire(channel), timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancel();
            ctx.fireChannelInactive();
        }
    }

    /** Goes after the HTTP codec: decoded headers stop the clock; the request's end lets the next one start it. */
    final class HeadersRead extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                cancel();
                inRequest = true;
            }
            if (msg instanceof LastHttpContent) {
                inRequest = false;
            }
            ctx.fireChannelRead(msg);
        }
    }

    private void expire(Channel channel) {
        pending = null;
        if (!inRequest && channel.isActive()) {
            timeouts.happened(channel.remoteAddress(), "its request headers did not arrive within " + timeout.toMillis()
                    + " ms (gateway.http.header-timeout)");
            RawHttpAnswer.sendAndClose(channel, 408, "Request Timeout",
                    "the request headers did not arrive within " + timeout.toMillis() + " ms");
        }
    }

    private void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}
