package dev.consulmesh.transport.server;

import dev.consulmesh.transport.wire.ConnectionFailures;
import dev.consulmesh.transport.wire.EventPacket;
import dev.consulmesh.transport.wire.Packet;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.RequestPacket;
import dev.consulmesh.transport.wire.ResponsePacket;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Routes each inbound packet of a server connection to its handler and writes the answers back.
 * Requests without a handler get Nest's exact "no matching message handler" reply; events without one
 * are only logged. A malformed frame closes that connection, with one log line naming the peer.
 */
@ChannelHandler.Sharable
final class RequestDispatcher extends SimpleChannelInboundHandler<String> {

    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);

    private final HandlerRegistry handlers;
    private final PacketCodec codec;
    private final RpcErrors errors;
    private final AtomicInteger inFlight = new AtomicInteger();

    RequestDispatcher(HandlerRegistry handlers, PacketCodec codec) {
        this.handlers = handlers;
        this.codec = codec;
        this.errors = new RpcErrors(codec.mapper());
    }

    /** Requests whose answers have not all been written yet, over all connections. */
    int inFlight() {
        return inFlight.get();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String frame) {
        Packet packet = codec.readInbound(frame);
        if (packet instanceof RequestPacket request) {
            handleRequest(ctx, request);
        } else {
            handleEvent(ctx, (EventPacket) packet);
        }
    }

    private void handleRequest(ChannelHandlerContext ctx, RequestPacket request) {
        Optional<HandlerMethod> handler = handlers.requestHandler(request.pattern());
        if (handler.isEmpty()) {
            log.debug("no handler for message pattern {} from {}", request.pattern(), ctx.channel().remoteAddress());
            // Answered on a later turn of the event loop, like every other answer, so answers keep request order.
            String reply = codec.write(ResponsePacket.noHandler(request.id(), codec.nodes()));
            ctx.channel().eventLoop().execute(() -> ctx.writeAndFlush(reply, ctx.voidPromise()));
            return;
        }
        HandlerMethod method = handler.get();
        inFlight.incrementAndGet();
        method.invoke(request.data(), codec.mapper()).subscribe(new ResponseStreamWriter(ctx.channel(), request.id(),
                codec, errors, error -> log.error("handler {} failed on a request from {}", method.description(),
                ctx.channel().remoteAddress(), error), inFlight::decrementAndGet));
    }

    private void handleEvent(ChannelHandlerContext ctx, EventPacket event) {
        List<HandlerMethod> eventHandlers = handlers.eventHandlers(event.pattern());
        if (eventHandlers.isEmpty()) {
            log.warn("no handler for event pattern {} from {}", event.pattern(), ctx.channel().remoteAddress());
            return;
        }
        for (HandlerMethod method : eventHandlers) {
            method.invoke(event.data(), codec.mapper()).subscribe(value -> { }, error -> log.error(
                    "event handler {} failed on an event from {}", method.description(),
                    ctx.channel().remoteAddress(), error));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ConnectionFailures.logAndClose(ctx, cause, log, "from " + ctx.channel().remoteAddress());
    }
}
