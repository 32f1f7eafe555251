package dev.consulmesh.transport.server;

import tools.jackson.databind.JsonNode;
import dev.consulmesh.transport.wire.ConnectionFailures;
import dev.consulmesh.transport.wire.EventPacket;
import dev.consulmesh.transport.wire.LimitViolations;
import dev.consulmesh.transport.wire.Packet;
import dev.consulmesh.transport.wire.JsonFrame;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.RequestPacket;
import dev.consulmesh.transport.wire.ResponsePacket;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import dev.consulmesh.logging.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Routes each inbound packet of a server connection to its handler and writes the answers back.
 * Requests without a handler get Nest's exact "no matching message handler" reply; events without one
 * are only logged (at most one warning per interval). A malformed frame closes that connection, counted
 * and logged by {@link LimitViolations}.
 *
 * <p>An answer ready when its handler returns is written at once and flushed at the end of the read,
 * so the connection's flow control sees the queued answer bytes before the next frame is handed on.
 * {@link Blocking} handlers are called off the I/O thread by the {@link BlockingHandlerExecutor}; their
 * answers are written on the connection's event loop like any late answer ({@link ResponseStreamWriter}),
 * so the flow control's accounting stays on that one thread.
 */
@ChannelHandler.Sharable
final class RequestDispatcher extends SimpleChannelInboundHandler<JsonFrame> {

    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);
    // A handler that fails, fails on every request: one line every 10 s with the count (stack traces at debug).
    private static final RateLimitedLog handlerFailures = new RateLimitedLog(log, Level.ERROR, "handlers failed; latest:");
    private static final RateLimitedLog unexpectedConnectionErrors = new RateLimitedLog(log, Level.WARN,
            "closed connections after an unexpected error; latest:");

    private static final long NO_EVENT_HANDLER_WARNING_INTERVAL = TimeUnit.SECONDS.toNanos(10);

    private final HandlerRegistry handlers;
    private final PacketCodec codec;
    private final RpcErrors errors;
    private final LimitViolations violations;
    private final BlockingHandlerExecutor blocking;
    private final HandlerObservations observations;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong lastNoEventHandlerWarning = new AtomicLong(System.nanoTime() - NO_EVENT_HANDLER_WARNING_INTERVAL);

    RequestDispatcher(HandlerRegistry handlers, PacketCodec codec, LimitViolations violations,
                      BlockingHandlerExecutor blocking, HandlerObservations observations) {
        this.observations = observations;
        this.handlers = handlers;
        this.codec = codec;
        this.errors = new RpcErrors(codec.mapper());
        this.violations = violations;
        this.blocking = blocking;
    }

    /** Requests whose answers have not all been written yet, over all connections. */
    int inFlight() {
        return inFlight.get();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, JsonFrame frame) {
        long readAt = System.nanoTime();
        Packet packet = codec.readInbound(frame);
        if (packet instanceof RequestPacket request) {
            handleRequest(ctx, request, readAt);
        } else {
            handleEvent(ctx, (EventPacket) packet, readAt);
        }
    }

    private void handleRequest(ChannelHandlerContext ctx, RequestPacket request, long readAt) {
        Optional<String> route = handlers.routeOf(request.pattern());
        Optional<HandlerMethod> handler = route.flatMap(handlers::requestHandler);
        if (handler.isEmpty()) {
            if (log.isDebugEnabled()) {
                log.debug("no handler for message pattern {} from {}", shown(request.pattern()), ctx.channel().remoteAddress());
            }
            ctx.write(codec.writeFrame(ResponsePacket.noHandler(request.id(), codec.nodes())), ctx.voidPromise());
            ConnectionFlowControl.of(ctx.channel()).answersWritten(false);
            return;
        }
        HandlerMethod method = handler.get();
        ConnectionFlowControl flow = ConnectionFlowControl.of(ctx.channel());
        inFlight.incrementAndGet();
        flow.requestStarted();
        ResponseStreamWriter writer = new ResponseStreamWriter(ctx.channel(), request.id(), codec, errors,
                error -> handlerFailures.happened(method.description() + " on a request from " + ctx.channel().remoteAddress(),
                        error.toString(), error),
                flow::answersWritten, inFlight::decrementAndGet);
        call(method, ctx, request.data(), new MessageContext(request.pattern(), route.get(), ctx.channel().remoteAddress()),
                request.headers(), false, readAt)
                .subscribe(writer);
        writer.writeQueued();
    }

    private void handleEvent(ChannelHandlerContext ctx, EventPacket event, long readAt) {
        Optional<String> route = handlers.routeOf(event.pattern());
        List<HandlerMethod> eventHandlers = route.map(handlers::eventHandlers).orElse(List.of());
        if (eventHandlers.isEmpty()) {
            logNoEventHandler(event, ctx);
            return;
        }
        MessageContext context = new MessageContext(event.pattern(), route.get(), ctx.channel().remoteAddress());
        for (HandlerMethod method : eventHandlers) {
            call(method, ctx, event.data(), context, event.headers(), true, readAt).subscribe(value -> { }, error -> handlerFailures.happened(
                    method.description() + " on an event from " + ctx.channel().remoteAddress(), error.toString(), error));
        }
    }

    /**
     * The one place that decides where a handler runs: on this I/O thread, or off it when it blocks;
     * observed either way, and not started at all once the request's deadline passed (checked where it
     * would start, so a blocking handler's wait in the queue counts).
     */
    private Flux<Object> call(HandlerMethod method, ChannelHandlerContext ctx, JsonNode data, MessageContext context,
                              Map<String, String> headers, boolean event, long readAt) {
        HandlerObservations.Invocation invocation = observations.start(method, context, headers, event, readAt);
        Supplier<Flux<Object>> invoke = () -> invocation.invoke(() -> method.invoke(data, context));
        Flux<Object> answers = method.isBlocking() ? blocking.call(invoke, ctx.executor(), context.remoteAddress()) : invoke.get();
        return invocation.observe(answers);
    }

    /** A warning at most once per interval: a peer sending events nobody handles must not flood the log. */
    private void logNoEventHandler(EventPacket event, ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        long last = lastNoEventHandlerWarning.get();
        if (now - last >= NO_EVENT_HANDLER_WARNING_INTERVAL && lastNoEventHandlerWarning.compareAndSet(last, now)) {
            log.warn("no handler for event pattern {} from {} (logged at most every 10 s)", shown(event.pattern()),
                    ctx.channel().remoteAddress());
        } else if (log.isDebugEnabled()) {
            log.debug("no handler for event pattern {} from {}", shown(event.pattern()), ctx.channel().remoteAddress());
        }
    }

    /** A pattern as the log shows it: a peer's pattern can be as long as a frame. */
    private static String shown(JsonNode pattern) {
        String text = pattern.toString();
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }

    /** Sends the answers written during this read in one go. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ConnectionFailures.logAndClose(ctx, cause, violations, log, unexpectedConnectionErrors, "from " + ctx.channel().remoteAddress());
    }
}
