package dev.consulmesh.transport.server;

import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.observation.DirectTimers;
import dev.consulmesh.observation.InboundContext;
import dev.consulmesh.observation.MeshInstrumentation;
import dev.consulmesh.observation.MeshObservations;
import dev.consulmesh.observation.TraceContextFilter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Times and traces each handler invocation ({@value MeshObservations#HANDLER}), continuing the caller's
 * trace from the packet's headers when they hold a sound one, and keeps a request's deadline: a handler
 * whose caller already gave up is not started; its request is answered with a timeout error and counted
 * ({@code mesh.tcp.server.deadline.expired}). Instrumented by {@link MeshInstrumentation#timing timers
 * alone}, an invocation is the same timer without an observation (and continues no trace).
 */
final class HandlerObservations {

    private final ObservationRegistry registry;
    private final DirectTimers timers;
    private final MeshMetrics metrics;
    private final TraceContextFilter traceContext;
    private final Duration maxDeadline;
    private final Map<String, Counter> expiredByRoute = new ConcurrentHashMap<>();

    HandlerObservations(MeshInstrumentation instrumentation, MeshMetrics metrics, Duration maxDeadline) {
        this.registry = instrumentation.registry();
        this.timers = instrumentation.timers(MeshObservations.HANDLER,
                MeshObservations.PATTERN, MeshObservations.KIND, MeshObservations.OUTCOME);
        this.metrics = metrics;
        this.traceContext = new TraceContextFilter(metrics);
        this.maxDeadline = maxDeadline;
    }

    /** Starts observing one invocation of a handler for a packet read at {@code readAtNanos}. */
    Invocation start(HandlerMethod method, MessageContext context, Map<String, String> headers, boolean event,
                     long readAtNanos) {
        Map<String, String> trace = traceContext.accept(headers, context.remoteAddress());
        RequestDeadline deadline = event ? RequestDeadline.NONE : RequestDeadline.of(headers, readAtNanos, maxDeadline);
        if (timers != null) {
            return new Invocation(Observation.NOOP, timers.now(), deadline, context.route(), event);
        }
        InboundContext inbound = new InboundContext(trace, event);
        if (context.remoteAddress() instanceof InetSocketAddress peer) {
            // a URI, as tracing's handlers parse it into the span's remote endpoint
            String host = peer.getHostString();
            inbound.setRemoteServiceAddress("tcp://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + peer.getPort());
        }
        Observation observation = Observation.createNotStarted(MeshObservations.HANDLER, () -> inbound, registry)
                .contextualName((event ? "on " : "handle ") + context.route())
                .lowCardinalityKeyValue(MeshObservations.PATTERN, context.route())
                .lowCardinalityKeyValue(MeshObservations.KIND, MeshObservations.kind(event))
                .highCardinalityKeyValue("handler", method.description())
                .start();
        return new Invocation(observation, 0, deadline, context.route(), event);
    }

    /** One handler invocation being observed; it ends once, however its answers end. */
    final class Invocation {

        private final Observation observation;
        private final long startedAt;
        private final RequestDeadline deadline;
        private final String route;
        private final boolean event;
        private final AtomicBoolean ended = new AtomicBoolean();

        /** @param startedAt when timing without an observation ({@link DirectTimers#now()}), else unused */
        private Invocation(Observation observation, long startedAt, RequestDeadline deadline, String route, boolean event) {
            this.observation = observation;
            this.startedAt = startedAt;
            this.deadline = deadline;
            this.route = route;
            this.event = event;
        }

        /**
         * Calls the handler where the caller runs this (the I/O thread, or a blocking handler's thread),
         * with the observation in scope so its logs carry the trace — unless the deadline has passed.
         */
        Flux<Object> invoke(Supplier<Flux<Object>> handler) {
            if (deadline.hasPassed()) {
                expiredByRoute.computeIfAbsent(route, metrics::deadlineExpired).increment();
                end("expired", null);
                return Flux.error(new RpcException("deadline exceeded: the caller's timeout of " + deadline.timeoutMillis()
                        + " ms had passed before the handler of '" + route + "' started"));
            }
            if (timers != null) {
                return handler.get();
            }
            try (Observation.Scope scope = observation.openScope()) {
                return handler.get();
            }
        }

        /** The handler's answers, ending the observation with them; reactive handlers see it in Reactor's context. */
        Flux<Object> observe(Flux<Object> answers) {
            Flux<Object> ending = answers.doOnComplete(() -> end(MeshObservations.SUCCESS, null))
                    .doOnError(error -> end("error", error))
                    .doOnCancel(() -> end(MeshObservations.CANCELLED, null));
            return timers != null ? ending
                    : ending.contextWrite(context -> context.put(MeshObservations.REACTOR_CONTEXT_KEY, observation));
        }

        private void end(String outcome, Throwable error) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            if (timers != null) {
                timers.record(startedAt, error, route, MeshObservations.kind(event), outcome);
                return;
            }
            observation.lowCardinalityKeyValue(MeshObservations.OUTCOME, outcome);
            if (error != null) {
                observation.error(error);
            }
            observation.stop();
        }
    }
}
