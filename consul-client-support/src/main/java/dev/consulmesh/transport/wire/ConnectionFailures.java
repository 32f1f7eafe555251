package dev.consulmesh.transport.wire;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import dev.consulmesh.logging.RateLimitedLog;
import org.slf4j.Logger;

import java.io.IOException;

/**
 * What a server or client connection does when its pipeline fails, then closes it: a bad frame or a
 * broken limit is counted and logged (rate-limited) by {@link LimitViolations}; a peer that reset or
 * went away is logged at debug; anything else is a surprise, logged at most once every 10 s with the
 * count ({@link RateLimitedLog}; its stack trace at debug), so a peer that triggers it on every
 * connection cannot flood the log.
 */
public final class ConnectionFailures {

    private ConnectionFailures() {
    }

    /** @param peer how to name the other side in the log, e.g. "from /10.0.0.5:51234" or "to 10.0.0.7:3001" */
    public static void logAndClose(ChannelHandlerContext ctx, Throwable cause, LimitViolations violations,
                                   Logger log, RateLimitedLog unexpected, String peer) {
        Throwable reason = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (reason instanceof MalformedFrameException malformed) {
            violations.record(malformed.limit(), peer, "closed: " + malformed.getMessage());
        } else if (reason instanceof IOException) {
            log.debug("connection {} failed: {}", peer, reason.toString());
        } else {
            unexpected.happened(peer, reason.toString(), reason);
        }
        ctx.close();
    }
}
