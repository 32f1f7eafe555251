package dev.consulmesh.client;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.discovery.HealthyNodesWatcher;
import dev.consulmesh.discovery.ServiceDiscovery;
import dev.consulmesh.discovery.ServiceNode;
import dev.consulmesh.failure.CallFailure;
import dev.consulmesh.failure.UnusableAnswerException;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.observation.ClientObservations;
import dev.consulmesh.transport.wire.PacketHeaders;
import dev.consulmesh.pool.PooledNode;
import dev.consulmesh.pool.ServicePool;
import dev.consulmesh.retry.IdempotentPatterns;
import dev.consulmesh.retry.RetryRule;
import dev.consulmesh.traffic.CanaryRule;
import reactor.core.publisher.Sinks;
import java.util.NoSuchElementException;
import dev.consulmesh.transport.client.RequestTimeoutException;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import tools.jackson.databind.JavaType;
import reactor.core.publisher.Flux;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * Calls services by name, like Nest's {@code ClientProxy} but across every healthy node of the
 * service. Each call takes the service's pool (Consul's healthy set minus the nodes this caller
 * ejected), picks a node with the service's balancer and uses that node's persistent client. A failed
 * attempt is made again on another node when it cannot have reached a handler, or when its pattern is
 * idempotent, within the call's deadline and the service's retry budget ({@link RetryRule} reads the
 * failure's {@link CallFailure classification}). A caller's decoder runs on each attempt's answer: an
 * answer it cannot use ({@link UnusableAnswerException}) counts against the node that gave it. Events
 * are sent again only when they were not written at all.
 */
public final class MeshClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MeshClient.class);

    private final ServiceDiscovery discovery;
    private final ObjectMapper mapper;
    private final MeshClientProperties properties;
    private final IdempotentPatterns idempotentPatterns;
    private final ClientObservations observations;
    private final ServiceRoutes routes;
    private final AnswerReading answers;

    private MeshClient(Builder parts, ServiceRoutes routes) {
        this.discovery = parts.discovery;
        this.mapper = parts.mapper;
        this.properties = parts.properties;
        this.idempotentPatterns = parts.idempotentPatterns;
        this.observations = parts.observations;
        this.routes = routes;
        this.answers = new AnswerReading(parts.mapper);
    }

    /**
     * The one way to make a mesh client.
     *
     * @param clients            the clients of every service without TLS settings of its own
     * @param idempotentPatterns patterns retried even after they were written, for every service
     */
    public static Builder builder(ServiceDiscovery discovery, NodeClients clients, ObjectMapper mapper,
                                  MeshClientProperties properties, IdempotentPatterns idempotentPatterns, MeshMetrics metrics) {
        return new Builder(discovery, clients, mapper, properties, idempotentPatterns, metrics);
    }

    /** What a mesh client is made of; {@link #build()} checks the settings and makes it. */
    public static final class Builder {
        private final ServiceDiscovery discovery;
        private final NodeClients clients;
        private final ObjectMapper mapper;
        private final MeshClientProperties properties;
        private final IdempotentPatterns idempotentPatterns;
        private final MeshMetrics metrics;
        private ServiceCustomizations customizations = ServiceCustomizations.none();
        private ClientObservations observations = ClientObservations.NONE;

        private Builder(ServiceDiscovery discovery, NodeClients clients, ObjectMapper mapper, MeshClientProperties properties,
                        IdempotentPatterns idempotentPatterns, MeshMetrics metrics) {
            this.discovery = discovery;
            this.clients = clients;
            this.mapper = mapper;
            this.properties = properties;
            this.idempotentPatterns = idempotentPatterns;
            this.metrics = metrics;
        }

        /** Clients and balancers the application gave for single services; none by default. */
        public Builder customizations(ServiceCustomizations customizations) {
            this.customizations = customizations;
            return this;
        }

        /** Where calls and attempts are timed and traced; nowhere ({@link ClientObservations#NONE}) by default. */
        public Builder observations(ClientObservations observations) {
            this.observations = observations;
            return this;
        }

        /**
         * Fails at start-up, naming the settings, when they contradict each other, name no valid service or
         * a failover datacenter Consul does not know (the one question it asks Consul); then starts the
         * thread that probes ejected nodes. Services are watched from their first call on.
         */
        public MeshClient build() {
            properties.toEjectionSettings();
            ServiceSettings.checkServiceNames(properties);
            ServiceSettings.checkAll(properties);
            FailoverDatacenters.check(discovery, properties);
            ScheduledExecutorService probes = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("mesh-probes", true));
            return new MeshClient(this, new ServiceRoutes(discovery, clients, properties, idempotentPatterns, metrics,
                    customizations, probes));
        }
    }

    /**
     * Sends a request to one node of the service and gathers its answer, trying other nodes when an
     * attempt fails in a way that allows it.
     *
     * @param pattern a string, or any value Jackson turns into the JSON pattern
     * @param data    any value Jackson turns into JSON
     */
    public Mono<NodeReply> send(String service, Object pattern, Object data) {
        return send(service, pattern, data, Function.identity());
    }

    /**
     * Like {@link #send(String, Object, Object)}, with the caller's {@code decoder} run on each attempt's
     * answer. When it throws (an {@link UnusableAnswerException}, or any other exception), the answer is
     * unusable: it counts against the node that gave it, as an {@link dev.consulmesh.failure.FailureKind#UNUSABLE_ANSWER},
     * and a call to an idempotent pattern is tried on another node.
     */
    public <T> Mono<T> send(String service, Object pattern, Object data, Function<NodeReply, T> decoder) {
        return send(service, pattern, data, false, decoder);
    }

    private <T> Mono<T> send(String service, Object pattern, Object data, boolean keepBytes, Function<NodeReply, T> decoder) {
        return this.<T>call(service, pattern, data, keepBytes,
                (node, values) -> values.collectList().<T>handle((list, sink) -> {
                    T value = AnswerReading.decode(node, () -> decoder.apply(new NodeReply(node.node(), list)));
                    if (value != null) {
                        sink.next(value);
                    }
                }).flux())
                .singleOrEmpty();
    }

    /**
     * Sends a request and reads the last value of the node's answer as {@code type} through the
     * application's Jackson mapper, as Nest's {@code lastValueFrom(client.send<T>(pattern, data))} gives
     * it; empty when the handler returned nothing. An answer that does not fit the type fails the call
     * with an {@link UnusableAnswerException} naming the service, pattern, node and the type expected.
     */
    public <T> Mono<T> send(String service, Object pattern, Object data, Class<T> type) {
        return send(service, pattern, data, mapper.getTypeFactory().constructType(type));
    }

    /**
     * As {@link #send(String, Object, Object, Class)}, for a generic type ({@code List<Order>}). A type of
     * {@link dev.consulmesh.transport.wire.RawJson} or {@link dev.consulmesh.transport.wire.RawJsonArray}
     * gives the value as the bytes the node sent, checked but never built into a tree: for a caller that
     * passes the answer on as it came.
     */
    public <T> Mono<T> send(String service, Object pattern, Object data, JavaType type) {
        return send(service, pattern, data, RawAnswers.keepsBytes(type), reply -> answers.convert(reply.value(), type, service, pattern));
    }

    /**
     * As {@link #send(String, Object, Object, JavaType)}, with the node that answered. The answer must
     * hold a value: a node that answered nothing gave an answer the caller cannot use, as one whose value
     * does not fit the type (counted against that node, and a call to an idempotent pattern tries another).
     * Use {@code send} when an empty answer is a valid one.
     */
    public <T> Mono<NodeAnswer<T>> sendForAnswer(String service, Object pattern, Object data, JavaType type) {
        return send(service, pattern, data, RawAnswers.keepsBytes(type), reply -> {
            T value = answers.convert(reply.value(), type, service, pattern);
            if (value == null) {
                throw new UnusableAnswerException("service '" + service + "', pattern " + AnswerReading.describe(pattern)
                        + ": expected " + type.toCanonical() + ", got nothing");
            }
            return new NodeAnswer<>(value, reply.node());
        });
    }

    /**
     * Sends a request and streams the node's answer value by value as it arrives, each read as
     * {@code type} — a handler returning a {@code Flux} (or a Nest handler returning an Observable)
     * answers with several values. A failed attempt is made again on another node only before its first
     * value arrived.
     */
    public <T> Flux<T> stream(String service, Object pattern, Object data, Class<T> type) {
        return stream(service, pattern, data, mapper.getTypeFactory().constructType(type));
    }

    /** As {@link #stream(String, Object, Object, Class)}, for a generic type. */
    public <T> Flux<T> stream(String service, Object pattern, Object data, JavaType type) {
        return this.<T>call(service, pattern, data, RawAnswers.keepsBytes(type), (node, values) -> values.<T>handle((value, sink) -> {
            T read = AnswerReading.decode(node, () -> answers.convert(value, type, service, pattern));
            if (read != null) {
                sink.next(read);
            }
        }));
    }

    /** How one attempt's answer values become what the caller gets. */
    private interface AnswerReader<T> {
        Flux<T> read(PooledNode node, Flux<JsonNode> values);
    }

    private <T> Flux<T> call(String service, Object pattern, Object data, boolean keepBytes, AnswerReader<T> reader) {
        JsonNode patternNode = toJson(pattern);
        JsonNode dataNode = toJson(data);
        return Flux.deferContextual(context -> {
            ServiceRoute route = route(service);
            route.budget().recordRequest();
            boolean idempotent = isIdempotent(route, patternNode);
            boolean hedged = idempotent && route.hedgeDelay() != null;
            Call call = new Call(route, patternNode, dataNode, idempotent, keepBytes,
                    System.nanoTime() + route.settings().requestTimeout().toNanos(), toCanary(route, context), hedged,
                    observations.startCall(service, patternNode, false, observations.callerOf(context)));
            return observed(call.observed, awaitPool(route)
                    .thenMany(Flux.defer(() -> hedged ? hedged(call, reader) : attempt(call, reader))));
        });
    }

    /** Ends an event's or its attempt's observation as its result comes out. */
    private static <T> Mono<T> observed(ClientObservations.Observed observed, Mono<T> result) {
        return result.doOnSuccess(value -> observed.succeeded())
                .doOnError(failure -> observed.failed(CallFailure.of(failure).kind(), failure))
                .doOnCancel(observed::cancelled);
    }

    /** Ends a call's or attempt's observation as its result comes out. */
    private static <T> Flux<T> observed(ClientObservations.Observed observed, Flux<T> result) {
        return result.doOnComplete(observed::succeeded)
                .doOnError(failure -> observed.failed(CallFailure.of(failure).kind(), failure))
                .doOnCancel(observed::cancelled);
    }

    /** Whether the canary rule of the service, if any, sends this call to the canary instances. */
    private static boolean toCanary(ServiceRoute route, reactor.util.context.ContextView context) {
        CanaryRule canary = route.router() == null ? null : route.router().rules().canary();
        return canary != null && canary.takes(CallHeaders.in(context));
    }

    /**
     * A hedged call: the first attempt alone, then, if it has not answered after the hedge delay (timed by
     * {@link HedgeTimer}, to its next tick), a second on a node no attempt of the call is using (spending
     * the retry budget); the first answer wins, the other attempt is cancelled. A first attempt that fails before the delay ends the race:
     * it made its own retries. A call that gets no answer fails with its first attempt's failure (or
     * the hedge's), as an unhedged call would: Reactor's "all sources completed with error" carries
     * the attempts' errors on its cause, not on itself.
     */
    private <T> Flux<T> hedged(Call call, AnswerReader<T> reader) {
        ServiceRoute route = call.route;
        Sinks.One<Boolean> firstFailed = Sinks.one();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        AtomicReference<Throwable> hedgeFailure = new AtomicReference<>();
        long firstBegan = System.nanoTime();
        Mono<List<T>> first = attempt(call, reader).collectList()
                .doOnError(failure -> {
                    firstFailure.set(failure);
                    firstFailed.tryEmitValue(true);
                });
        Mono<List<T>> second = routes.hedgeTimer().after(route.hedgeDelay().now(System.nanoTime()))
                .takeUntilOther(firstFailed.asMono())
                .flatMap(tick -> mayHedge(call, firstBegan)
                        ? attempt(call, reader).collectList().doOnError(hedgeFailure::set)
                        : Mono.<List<T>>empty());
        return Mono.firstWithValue(first, second)
                .onErrorMap(NoSuchElementException.class, none -> firstFailure.get() != null ? firstFailure.get()
                        : hedgeFailure.get() != null ? hedgeFailure.get() : noNode(route))
                .flatMapIterable(values -> values);
    }

    /**
     * A hedge is one more attempt: within max-attempts, on a node the call is not using yet, only while
     * another node keeps up with calls begun after the first attempt ({@link ServicePool#othersKeepUpSince}),
     * and granted by the retry budget (counted as a retry).
     */
    private boolean mayHedge(Call call, long firstBegan) {
        ServiceRoute route = call.route;
        if (call.tried.size() >= route.settings().maxAttempts() || call.deadlineNanos - System.nanoTime() <= 0
                || !route.pool().hasUntried(call.tried) || !route.pool().othersKeepUpSince(call.tried, firstBegan)) {
            return false;
        }
        if (!route.budget().tryRetry()) {
            route.retriesDenied().increment();
            return false;
        }
        route.retries().increment();
        route.hedges().increment();
        return true;
    }

    /**
     * The node for the next attempt of a call: the pool's candidates, narrowed by the service's traffic
     * rules when it has any, chosen by the balancer — with weights only while the nodes' shares differ.
     * Null when no node is left.
     */
    private static PooledNode choose(Call call) {
        ServiceRoute route = call.route;
        ServicePool pool = route.pool();
        List<PooledNode> candidates = pool.candidates(call.tried);
        if (candidates.isEmpty()) {
            return null;
        }
        if (route.router() != null) {
            candidates = route.router().narrow(candidates, pool.listed(), call.toCanary);
        }
        PooledNode node = pool.weighted() ? route.balancer().choose(candidates, pool.weights(candidates))
                : route.balancer().choose(candidates);
        call.tried.add(node);
        return node;
    }

    private <T> Flux<T> attempt(Call call, AnswerReader<T> reader) {
        ServiceRoute route = call.route;
        long remaining = call.deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            return Flux.error(call.lastFailure != null ? call.lastFailure
                    : new RequestTimeoutException(route.service(), call.pattern, route.settings().requestTimeout()));
        }
        PooledNode node = choose(call);
        if (node == null) {
            return Flux.error(call.lastFailure != null ? call.lastFailure : noNode(route));
        }
        long started = node.begin();
        Duration timeout = Duration.ofNanos(call.idempotent
                ? Math.min(remaining, route.attemptTimeout().nanos(isLastAttempt(call), started)) : remaining);
        AtomicBoolean delivered = new AtomicBoolean();
        // The attempt ends once, whether it completes, fails or is cancelled — also when the caller's own
        // code throws on the answer and cancels it after it completed (counting both terminate and cancel
        // drove the count below zero) — and before the caller sees how it ended.
        AtomicBoolean ended = new AtomicBoolean();
        Runnable end = () -> {
            if (ended.compareAndSet(false, true)) {
                route.pool().ended(node, started);
            }
        };
        ClientObservations.Attempt attempt = observations.startAttempt(call.observed, route.service(), call.pattern,
                false, node.node().address());
        Flux<T> answer = reader.read(node, node.client().send(call.pattern, call.data, timeout, headers(attempt, timeout),
                call.keepBytes))
                .doOnNext(value -> delivered.set(true))
                .doOnTerminate(end)
                .doOnCancel(end);
        return observed(attempt.observed(), answer)
                .doOnComplete(() -> {
                    long now = System.nanoTime();
                    route.attemptTimeout().answered(now - started, now);
                    route.pool().succeeded(node, started);
                })
                .onErrorResume(failure -> {
                    CallFailure classified = CallFailure.of(failure);
                    route.pool().failed(node, classified);
                    CallFailure previous = call.lastFailure == null ? null : CallFailure.of(call.lastFailure);
                    call.lastFailure = failure;
                    // a stream that delivered values cannot be made again without delivering them twice
                    if (delivered.get() || !mayRetry(call, failure, RetryRule.mayRetry(classified, previous, call.idempotent))) {
                        return Flux.error(failure);
                    }
                    log.debug("retrying a call to {} on another node after: {}", route.service(), failure.getMessage());
                    return attempt(call, reader);
                });
    }

    /**
     * Whether no attempt can follow the current one (max-attempts reached, no other node, or the retry
     * budget spent): it then waits up to the attempt timeout's cap rather than a time cut to the
     * service's latency, since a timeout would end the call.
     */
    private static boolean isLastAttempt(Call call) {
        ServiceRoute route = call.route;
        return call.tried.size() >= route.settings().maxAttempts() || !route.pool().hasUntried(call.tried)
                || !route.budget().hasRetry();
    }

    /** The attempt's trace context, and its timeout when deadlines are propagated. */
    private Map<String, String> headers(ClientObservations.Attempt attempt, Duration timeout) {
        Map<String, String> headers = attempt.headers();
        if (properties.isPropagateDeadline()) {
            headers.put(PacketHeaders.TIMEOUT, Long.toString(Math.max(1, timeout.toMillis())));
        }
        return headers;
    }

    /**
     * Whether a failed attempt is made again: the failure allows it ({@link RetryRule}), attempts and
     * deadline are left, and the service's retry budget grants it (counted either way).
     */
    private boolean mayRetry(Call call, Throwable failure, boolean allowedByRule) {
        if (!allowedByRule
                || call.tried.size() >= call.route.settings().maxAttempts()
                || call.deadlineNanos - System.nanoTime() <= 0) {
            return false;
        }
        if (!call.route.budget().tryRetry()) {
            call.route.retriesDenied().increment();
            log.debug("retry budget of {} spent; not retrying: {}", call.route.service(), failure.getMessage());
            return false;
        }
        call.route.retries().increment();
        return true;
    }

    /** Sends an event to one node of the service; completes with that node once it is written. */
    public Mono<ServiceNode> emit(String service, Object pattern, Object data) {
        JsonNode patternNode = toJson(pattern);
        JsonNode dataNode = toJson(data);
        return Mono.deferContextual(reactor -> {
            ServiceRoute route = route(service);
            route.budget().recordRequest();
            Call call = new Call(route, patternNode, dataNode, false, false, Long.MAX_VALUE, toCanary(route, reactor), false,
                    observations.startCall(service, patternNode, true, observations.callerOf(reactor)));
            return observed(call.observed, awaitPool(route).then(Mono.defer(() -> emitAttempt(call))));
        });
    }

    private Mono<ServiceNode> emitAttempt(Call call) {
        ServiceRoute route = call.route;
        PooledNode node = choose(call);
        if (node == null) {
            return Mono.error(call.lastFailure != null ? call.lastFailure : noNode(route));
        }
        ClientObservations.Attempt attempt = observations.startAttempt(call.observed, route.service(), call.pattern,
                true, node.node().address());
        return observed(attempt.observed(), node.client().emit(call.pattern, call.data, attempt.headers()))
                .then(Mono.fromSupplier(() -> {
                    route.pool().succeeded(node);
                    return node.node();
                }))
                .onErrorResume(failure -> {
                    CallFailure classified = CallFailure.of(failure);
                    route.pool().failed(node, classified);
                    call.lastFailure = failure;
                    if (!mayRetry(call, failure, RetryRule.mayResendEvent(classified))) {
                        return Mono.error(failure);
                    }
                    return emitAttempt(call);
                });
    }

    /** Starts watching a service before its first call, so its state shows in health at once. */
    public void prepare(String service) {
        route(service);
    }

    private ServiceRoute route(String service) {
        return routes.of(service);
    }

    /** Before Consul's first answer about a service, a call waits for it (up to first-answer-timeout). */
    private Mono<Void> awaitPool(ServiceRoute route) {
        if (route.pool().isKnown()) {
            return Mono.empty();
        }
        Duration wait = discovery.properties().getFirstAnswerTimeout();
        HealthyNodesWatcher watcher = route.watcher();
        return Mono.fromFuture(watcher.firstAnswer().copy())
                .doOnNext(first -> {
                    if (!route.pool().isKnown()) {
                        route.toPool().accept(route.datacenters() != null ? route.datacenters().current() : first);
                    }
                })
                .then()
                .timeout(wait, Mono.error(() -> new NoHealthyNodeException(watcher.service(),
                        "Consul has not answered within " + wait.toMillis() + " ms"
                                + (watcher.consulProblem() == null ? "" : ": " + watcher.consulProblem()))));
    }

    private NoHealthyNodeException noNode(ServiceRoute route) {
        String consul = route.watcher().consulProblem();
        return new NoHealthyNodeException(route.service(), consul != null ? consul : "Consul lists no passing instance");
    }

    /** Every service called so far, with its nodes as this caller sees them; by service name. */
    public Map<String, ServiceReport> status() {
        Map<String, ServiceReport> services = new TreeMap<>();
        routes.forEach((service, route) -> services.put(service, ServiceStatus.of(route, properties.getZoneMetaKey())));
        return services;
    }

    private boolean isIdempotent(ServiceRoute route, JsonNode pattern) {
        return idempotentPatterns.contains(pattern) || route.ownIdempotentPatterns().contains(pattern);
    }

    /** The settings in force for calls to {@code service} (its own over the defaults). */
    public ServiceSettings settings(String service) {
        return route(service).settings();
    }

    /**
     * Patterns retried even after they were written, for {@code service} only (beside
     * {@code mesh.client.services.<service>.idempotent-patterns}); add more in code with {@code declare}.
     * Starts watching the service, as {@link #prepare} does.
     */
    public IdempotentPatterns idempotentPatterns(String service) {
        return route(service).ownIdempotentPatterns();
    }

    /** Patterns retried even after they were written, for every service; add more in code with {@code declare}. */
    public IdempotentPatterns idempotentPatterns() {
        return idempotentPatterns;
    }

    private JsonNode toJson(Object value) {
        if (value == null) {
            return mapper.getNodeFactory().nullNode();
        }
        if (value instanceof JsonNode node) {
            return node;
        }
        if (value instanceof String text) {
            return mapper.getNodeFactory().stringNode(text);
        }
        return mapper.valueToTree(value);
    }

    public ServiceDiscovery discovery() {
        return discovery;
    }

    @Override
    public void close() {
        routes.close();
    }

    /** One call across its attempts. */
    private static final class Call {
        final ServiceRoute route;
        final JsonNode pattern;
        final JsonNode data;
        final boolean idempotent;
        /** The answer's values as the bytes that came (a value type of {@link RawAnswers}). */
        final boolean keepBytes;
        final long deadlineNanos;
        final boolean toCanary;
        final ClientObservations.Observed observed;
        /** The nodes tried; shared by a hedged call's two attempts, which run on different threads. */
        final List<PooledNode> tried;
        volatile Throwable lastFailure;

        Call(ServiceRoute route, JsonNode pattern, JsonNode data, boolean idempotent, boolean keepBytes, long deadlineNanos,
             boolean toCanary, boolean hedged, ClientObservations.Observed observed) {
            this.observed = observed;
            this.keepBytes = keepBytes;
            this.route = route;
            this.toCanary = toCanary;
            this.tried = hedged ? new java.util.concurrent.CopyOnWriteArrayList<>() : new ArrayList<>(2);
            this.pattern = pattern;
            this.data = data;
            this.idempotent = idempotent;
            this.deadlineNanos = deadlineNanos;
        }
    }
}
