package dev.consulmesh.transport.client;

import tools.jackson.databind.JsonNode;
import dev.consulmesh.transport.wire.ConnectionFailures;
import dev.consulmesh.transport.wire.LimitViolations;
import dev.consulmesh.transport.wire.JsonFrame;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.ResponsePacket;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import dev.consulmesh.logging.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.FluxSink;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests waiting for answers on one client connection, matched to answers by id. When the
 * connection closes, every one of them fails with {@link ConnectionClosedException}.
 */
final class PendingRequests extends SimpleChannelInboundHandler<JsonFrame> {

    private static final Logger log = LoggerFactory.getLogger(PendingRequests.class);
    private static final RateLimitedLog unexpectedConnectionErrors = new RateLimitedLog(log, Level.WARN,
            "closed connections after an unexpected error; latest:");

    private final String node;
    private final PacketCodec codec;
    private final LimitViolations violations;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Runnable onIdle;

    PendingRequests(String node, PacketCodec codec, LimitViolations violations, Runnable onIdle) {
        this.node = node;
        this.codec = codec;
        this.violations = violations;
        this.onIdle = onIdle;
    }

    /** Requests waiting whose caller wants the answer's values as bytes: while any do, frames are read that way. */
    private final AtomicInteger keepingBytes = new AtomicInteger();

    /**
     * Registers a request; false when the id is already in use on this connection.
     *
     * @param keepBytes whether its answer's values are to stay the bytes that came ({@code RawJson}) rather than trees
     */
    boolean add(String id, FluxSink<JsonNode> sink, boolean keepBytes) {
        if (pending.putIfAbsent(id, new Pending(sink, keepBytes)) != null) {
            return false;
        }
        if (keepBytes) {
            keepingBytes.incrementAndGet();
        }
        return true;
    }

    void setTimeout(String id, ScheduledFuture<?> timeout) {
        Pending request = pending.get(id);
        if (request != null) {
            request.timeout = timeout; // a timeout that fires after the answer finds nothing to remove
        }
    }

    /** Removes a request without answering it; returns its sink, or null when it was already done. */
    FluxSink<JsonNode> remove(String id) {
        Pending request = pending.remove(id);
        if (request == null) {
            return null;
        }
        request.cancelTimeout();
        if (request.keepBytes) {
            keepingBytes.decrementAndGet();
        }
        if (pending.isEmpty()) {
            onIdle.run();
        }
        return request.sink;
    }

    int size() {
        return pending.size();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, JsonFrame frame) {
        // The frame is read before it is known whose answer it is: as bytes while a request waiting here wants them.
        ResponsePacket response = keepingBytes.get() > 0 ? codec.readResponseKeepingBytes(frame) : codec.readResponse(frame);
        String id = response.id().asString();
        Pending request = pending.get(id);
        if (request == null) {
            log.debug("answer from {} for unknown or finished request {}", node, id);
            return;
        }
        if (response.isError()) {
            complete(id, sink -> sink.error(new RemoteErrorException(node, response.err(), response.status() != null)));
            return;
        }
        if (response.response() != null) {
            request.sink.next(codec.asRequested(response.response(), request.keepBytes));
        }
        if (response.disposed()) {
            complete(id, FluxSink::complete);
        }
    }

    private void complete(String id, java.util.function.Consumer<FluxSink<JsonNode>> outcome) {
        FluxSink<JsonNode> sink = remove(id);
        if (sink != null) {
            outcome.accept(sink);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (String id : pending.keySet()) {
            complete(id, sink -> sink.error(new ConnectionClosedException(node)));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ConnectionFailures.logAndClose(ctx, cause, violations, log, unexpectedConnectionErrors, "to " + node);
    }

    private static final class Pending {
        final FluxSink<JsonNode> sink;
        final boolean keepBytes;
        volatile ScheduledFuture<?> timeout;

        Pending(FluxSink<JsonNode> sink, boolean keepBytes) {
            this.sink = sink;
            this.keepBytes = keepBytes;
        }

        void cancelTimeout() {
            ScheduledFuture<?> scheduled = timeout;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }
    }
}
