package dev.consulmesh.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import reactor.util.context.ContextView;
import tools.jackson.databind.JsonNode;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts the observations of a caller: one per call ({@value MeshObservations#CALL}), a child of
 * whatever the caller was observing (a web request's observation, from Reactor's context or the
 * thread), and one per attempt ({@value MeshObservations#ATTEMPT}), a child of its call, whose
 * {@link OutboundContext} collects the trace context for the packet's headers. Instrumented by
 * {@link MeshInstrumentation#timing timers alone}, each is the same timer without an observation.
 */
public final class ClientObservations {

    /** Observes nothing and sends no trace context (plain tests and tools). */
    public static final ClientObservations NONE = new ClientObservations(MeshInstrumentation.NONE);

    private final ObservationRegistry registry;
    private final DirectTimers callTimers;
    private final DirectTimers attemptTimers;

    public ClientObservations(MeshInstrumentation instrumentation) {
        String[] keys = {MeshObservations.SERVICE, MeshObservations.PATTERN, MeshObservations.KIND, MeshObservations.OUTCOME};
        this.registry = instrumentation.registry();
        this.callTimers = instrumentation.timers(MeshObservations.CALL, keys);
        this.attemptTimers = instrumentation.timers(MeshObservations.ATTEMPT, keys);
    }

    /** The caller's current observation: Reactor's context first (WebFlux puts the request's there), then the thread's. */
    public Observation callerOf(ContextView reactorContext) {
        if (callTimers != null) {
            return null; // timing only: a call has no parent
        }
        Observation fromReactor = reactorContext.getOrDefault(MeshObservations.REACTOR_CONTEXT_KEY, null);
        return fromReactor != null ? fromReactor : registry.getCurrentObservation();
    }

    public Observed startCall(String service, JsonNode pattern, boolean event, Observation caller) {
        String patternTag = MeshObservations.patternTag(pattern);
        if (callTimers != null) {
            return new Observed(new Timing(callTimers, callTimers.now(), service, patternTag, MeshObservations.kind(event)));
        }
        return new Observed(Observation.createNotStarted(MeshObservations.CALL, registry)
                .contextualName((event ? "emit " : "send ") + service + " " + patternTag)
                .lowCardinalityKeyValue(MeshObservations.SERVICE, service)
                .lowCardinalityKeyValue(MeshObservations.PATTERN, patternTag)
                .lowCardinalityKeyValue(MeshObservations.KIND, MeshObservations.kind(event))
                .parentObservation(caller)
                .start());
    }

    /** An attempt on one node, a child of its call; its context's headers hold the trace context once started. */
    public Attempt startAttempt(Observed call, String service, JsonNode pattern, boolean event, String node) {
        if (attemptTimers != null) {
            Timing timing = new Timing(attemptTimers, attemptTimers.now(), service, MeshObservations.patternTag(pattern),
                    MeshObservations.kind(event));
            return new Attempt(new Observed(timing), null);
        }
        OutboundContext context = new OutboundContext(event);
        context.setRemoteServiceName(service);
        // a URI, as tracing's handlers parse it into the span's remote endpoint (host:port alone is no URI)
        context.setRemoteServiceAddress("tcp://" + node);
        String patternTag = MeshObservations.patternTag(pattern);
        Observation observation = Observation.createNotStarted(MeshObservations.ATTEMPT, () -> context, registry)
                .contextualName((event ? "emit " : "send ") + patternTag)
                .lowCardinalityKeyValue(MeshObservations.SERVICE, service)
                .lowCardinalityKeyValue(MeshObservations.PATTERN, patternTag)
                .lowCardinalityKeyValue(MeshObservations.KIND, MeshObservations.kind(event))
                .highCardinalityKeyValue(MeshObservations.NODE, node)
                .parentObservation(call.observation())
                .start();
        return new Attempt(new Observed(observation), context);
    }

    /** A started attempt and the packet headers its tracing wrote ({@code context} null: timed only). */
    public record Attempt(Observed observed, OutboundContext context) {

        /** The trace context to send with the attempt's packet: none without tracing. */
        public Map<String, String> headers() {
            return context == null ? Map.of() : context.headers();
        }
    }

    /** A call or attempt timed without an observation. */
    private record Timing(DirectTimers timers, long startedAt, String service, String pattern, String kind) {

        void stop(String outcome, Throwable failure) {
            timers.record(startedAt, failure, service, pattern, kind, outcome);
        }
    }

    /**
     * A started observation that ends once, however it ends: a cancel racing a completion, or a caller
     * cancelling after its answer arrived, does not stop it twice.
     */
    public static final class Observed {

        private final Observation observation;
        private final Timing timing;
        private final AtomicBoolean ended = new AtomicBoolean();

        Observed(Observation observation) {
            this.observation = observation;
            this.timing = null;
        }

        Observed(Timing timing) {
            this.observation = Observation.NOOP;
            this.timing = timing;
        }

        /** The observation, {@link Observation#NOOP} when timed only. */
        public Observation observation() {
            return observation;
        }

        public void succeeded() {
            end(MeshObservations.SUCCESS, null);
        }

        /** @param kind the failure's kind ({@code FailureKind}), tagged in lower case */
        public void failed(Enum<?> kind, Throwable failure) {
            end(kind.name().toLowerCase(Locale.ROOT), failure);
        }

        public void cancelled() {
            end(MeshObservations.CANCELLED, null);
        }

        private void end(String outcome, Throwable failure) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            if (timing != null) {
                timing.stop(outcome, failure);
                return;
            }
            observation.lowCardinalityKeyValue(MeshObservations.OUTCOME, outcome);
            if (failure != null) {
                observation.error(failure);
            }
            observation.stop();
        }
    }
}
