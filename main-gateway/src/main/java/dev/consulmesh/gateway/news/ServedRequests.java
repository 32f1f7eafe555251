package dev.consulmesh.gateway.news;

import dev.consulmesh.observation.DirectTimers;
import dev.consulmesh.observation.MeshObservations;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import org.springframework.web.util.DisconnectedClientHelper;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * How {@link DirectNewsRoute} records the requests it serves, as Spring's HTTP server request observation
 * does for WebFlux's: the same {@code http.server.requests} timer, tagged exception, method, outcome, status
 * and uri (and error). {@link #timed Timed} while nothing traces: the timer alone. {@link #observed Observed}
 * while the application traces: an observation per request, whose span continues the trace context the
 * client's trust lets through and is the parent of the mesh call made for the request.
 */
abstract class ServedRequests {

    private static final String METHOD = "method";
    private static final String URI = "uri";
    /** The low-cardinality keys of Spring's server request convention, in {@link Served#record}'s order. */
    static final String[] KEYS = {"exception", METHOD, "outcome", "status", URI};
    private static final String GET = "GET";
    /** The span's name, as Spring's convention names a request of the route's path. */
    private static final String CONTEXTUAL_NAME = "http " + GET.toLowerCase(Locale.ROOT) + " " + DirectNewsRoute.PATH;

    /** The requests timed without observations: no span, no trace context. */
    static ServedRequests timed(DirectTimers timers) {
        return new Timed(timers);
    }

    /** The requests observed in {@code registry} as {@code name}: a timer and, while tracing, a span each. */
    static ServedRequests observed(ObservationRegistry registry, String name) {
        return new Observed(registry, name);
    }

    /**
     * Starts recording one request.
     *
     * @param headers  the request's headers as the client's trust leaves them, what a tracer may read (asked for
     *                 only while tracing)
     * @param response the response, whose status is the request's when it ends
     */
    abstract Served start(Supplier<UnaryOperator<String>> headers, HttpServerResponse response);

    /** One request, recorded once however it ends: an answer, a failure, a client that left. */
    abstract static class Served {

        private final HttpServerResponse response;
        private final AtomicBoolean recorded = new AtomicBoolean();

        Served(HttpServerResponse response) {
            this.response = response;
        }

        /** {@code serving} with this request as the caller of the mesh calls it makes. */
        abstract Mono<Void> asCaller(Mono<Void> serving);

        /** Answered ({@code failure} null), or failed with no answer; a disconnected client is outcome UNKNOWN. */
        void ended(Throwable failure) {
            record(failure, failure != null && DisconnectedClientHelper.isClientDisconnectedException(failure));
        }

        /** The client left before the answer. */
        void aborted() {
            record(null, true);
        }

        /** The client left before {@code failure} could be answered. */
        void aborted(Throwable failure) {
            record(failure, true);
        }

        private void record(Throwable failure, boolean aborted) {
            if (!recorded.compareAndSet(false, true)) {
                return;
            }
            int status = response.status().code();
            // As Spring's convention tags it: an error WebFlux's handlers answered is exception none.
            record(failure, failure == null ? "none" : failure.getClass().getSimpleName(), GET,
                    aborted ? "UNKNOWN" : outcome(status), Integer.toString(status), DirectNewsRoute.PATH);
        }

        /** @param values the tags' values, in {@link #KEYS}' order */
        abstract void record(Throwable failure, String... values);
    }

    /** Spring's outcome of a status, as its server request convention tags it. */
    private static String outcome(int status) {
        return switch (status / 100) {
            case 1 -> "INFORMATIONAL";
            case 2 -> "SUCCESS";
            case 3 -> "REDIRECTION";
            case 4 -> "CLIENT_ERROR";
            case 5 -> "SERVER_ERROR";
            default -> "UNKNOWN";
        };
    }

    private static final class Timed extends ServedRequests {

        private final DirectTimers timers;

        Timed(DirectTimers timers) {
            this.timers = timers;
        }

        @Override
        Served start(Supplier<UnaryOperator<String>> headers, HttpServerResponse response) {
            long started = timers.now();
            return new Served(response) {
                @Override
                Mono<Void> asCaller(Mono<Void> serving) {
                    return serving; // timed only: a call has no parent
                }

                @Override
                void record(Throwable failure, String... values) {
                    timers.record(started, failure, values);
                }
            };
        }
    }

    private static final class Observed extends ServedRequests {

        private final ObservationRegistry registry;
        private final String name;

        Observed(ObservationRegistry registry, String name) {
            this.registry = registry;
            this.name = name;
        }

        @Override
        Served start(Supplier<UnaryOperator<String>> headers, HttpServerResponse response) {
            // The tracer reads the client's trace context through the screened headers: an untrusted client's is gone.
            ReceiverContext<UnaryOperator<String>> context = new ReceiverContext<>(UnaryOperator::apply, Kind.SERVER);
            context.setCarrier(headers.get());
            Observation observation = Observation.createNotStarted(name, () -> context, registry)
                    .contextualName(CONTEXTUAL_NAME)
                    .lowCardinalityKeyValue(METHOD, GET)
                    .lowCardinalityKeyValue(URI, DirectNewsRoute.PATH)
                    .highCardinalityKeyValue("http.url", DirectNewsRoute.PATH)
                    .start();
            return new Served(response) {
                @Override
                Mono<Void> asCaller(Mono<Void> serving) {
                    return serving.contextWrite(reactor -> reactor.put(MeshObservations.REACTOR_CONTEXT_KEY, observation));
                }

                @Override
                void record(Throwable failure, String... values) {
                    for (int i = 0; i < KEYS.length; i++) {
                        observation.lowCardinalityKeyValue(KEYS[i], values[i]);
                    }
                    if (failure != null) {
                        observation.error(failure);
                    }
                    observation.stop();
                }
            };
        }
    }
}
