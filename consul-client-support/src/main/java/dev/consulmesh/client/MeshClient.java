package dev.consulmesh.client;

import dev.consulmesh.balancing.BalancingStrategy;
import dev.consulmesh.balancing.LoadBalancer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.discovery.HealthyNodes;
import dev.consulmesh.discovery.HealthyNodesWatcher;
import dev.consulmesh.discovery.InstanceHealth;
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
import dev.consulmesh.retry.RetryBudget;
import dev.consulmesh.retry.RetryRule;
import dev.consulmesh.transport.client.RequestTimeoutException;
import io.micrometer.core.instrument.Counter;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
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
    private final NodeClients clients;
    private final ObjectMapper mapper;
    private final MeshClientProperties properties;
    private final IdempotentPatterns idempotentPatterns;
    private final MeshMetrics metrics;
    private final ClientObservations observations;
    private final ScheduledExecutorService probes;
    private final Map<String, ServiceRoute> routes = new ConcurrentHashMap<>();

    public MeshClient(ServiceDiscovery discovery, NodeClients clients, ObjectMapper mapper, MeshClientProperties properties,
                      IdempotentPatterns idempotentPatterns, MeshMetrics metrics) {
        this(discovery, clients, mapper, properties, idempotentPatterns, metrics, ClientObservations.NONE);
    }

    /** @param observations where calls and attempts are timed and traced ({@link ClientObservations#NONE}: nowhere) */
    public MeshClient(ServiceDiscovery discovery, NodeClients clients, ObjectMapper mapper, MeshClientProperties properties,
                      IdempotentPatterns idempotentPatterns, MeshMetrics metrics, ClientObservations observations) {
        this.observations = observations;
        this.discovery = discovery;
        this.clients = clients;
        this.mapper = mapper;
        this.properties = properties;
        this.idempotentPatterns = idempotentPatterns;
        this.metrics = metrics;
        properties.toEjectionSettings(); // fails at start-up, naming the settings, when they contradict each other
        this.probes = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("mesh-probes", true));
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
        JsonNode patternNode = toJson(pattern);
        JsonNode dataNode = toJson(data);
        Duration timeout = properties.getRequestTimeout();
        return Mono.deferContextual(reactor -> {
            ServiceRoute route = route(service);
            route.budget().recordRequest();
            Call call = new Call(route, patternNode, dataNode, idempotentPatterns.contains(patternNode),
                    System.nanoTime() + timeout.toNanos(),
                    observations.startCall(service, patternNode, false, observations.callerOf(reactor)));
            return observed(call.observed, awaitPool(route).then(Mono.defer(() -> attempt(call, decoder))));
        });
    }

    /** Ends a call's or attempt's observation as its result comes out. */
    private static <T> Mono<T> observed(ClientObservations.Observed observed, Mono<T> result) {
        return result.doOnSuccess(value -> observed.succeeded())
                .doOnError(failure -> observed.failed(CallFailure.of(failure).kind(), failure))
                .doOnCancel(observed::cancelled);
    }

    private <T> Mono<T> attempt(Call call, Function<NodeReply, T> decoder) {
        ServiceRoute route = call.route;
        List<PooledNode> candidates = route.pool().candidates(call.tried);
        if (candidates.isEmpty()) {
            return Mono.error(call.lastFailure != null ? call.lastFailure : noNode(route));
        }
        long remaining = call.deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            return Mono.error(call.lastFailure != null ? call.lastFailure
                    : new RequestTimeoutException(route.service(), call.pattern, properties.getRequestTimeout()));
        }
        Duration timeout = Duration.ofNanos(call.idempotent ? Math.min(remaining, properties.getAttemptTimeout().toNanos()) : remaining);
        PooledNode node = route.balancer().choose(candidates);
        call.tried.add(node);
        long started = node.begin();
        // doFinally runs once per attempt, whether it completes, fails or is cancelled — also when the
        // caller's own code throws on the answer and cancels it after it completed (counting both
        // terminate and cancel decremented twice and drove the count below zero).
        ClientObservations.Attempt attempt = observations.startAttempt(call.observed, route.service(), call.pattern,
                false, node.node().address());
        Mono<T> answer = node.client().send(call.pattern, call.data, timeout, headers(attempt, timeout))
                .collectList()
                .doFinally(signal -> node.end(started))
                .map(values -> decode(node, new NodeReply(node.node(), values), decoder));
        return observed(attempt.observed(), answer)
                .map(value -> {
                    route.pool().succeeded(node);
                    return value;
                })
                .onErrorResume(failure -> {
                    CallFailure classified = CallFailure.of(failure);
                    route.pool().failed(node, classified);
                    CallFailure previous = call.lastFailure == null ? null : CallFailure.of(call.lastFailure);
                    call.lastFailure = failure;
                    if (!mayRetry(call, failure, RetryRule.mayRetry(classified, previous, call.idempotent))) {
                        return Mono.error(failure);
                    }
                    log.debug("retrying a call to {} on another node after: {}", route.service(), failure.getMessage());
                    return attempt(call, decoder);
                });
    }

    /** The attempt's trace context, and its timeout when deadlines are propagated. */
    private Map<String, String> headers(ClientObservations.Attempt attempt, Duration timeout) {
        Map<String, String> headers = attempt.headers();
        if (properties.isPropagateDeadline()) {
            headers.put(PacketHeaders.TIMEOUT, Long.toString(Math.max(1, timeout.toMillis())));
        }
        return headers;
    }

    /** The caller's reading of a node's answer; whatever it throws makes the answer that node's unusable one. */
    private static <T> T decode(PooledNode node, NodeReply reply, Function<NodeReply, T> decoder) {
        try {
            return decoder.apply(reply);
        } catch (RuntimeException e) {
            throw UnusableAnswerException.of(node.node().address(), e);
        }
    }

    /**
     * Whether a failed attempt is made again: the failure allows it ({@link RetryRule}), attempts and
     * deadline are left, and the service's retry budget grants it (counted either way).
     */
    private boolean mayRetry(Call call, Throwable failure, boolean allowedByRule) {
        if (!allowedByRule
                || call.tried.size() >= properties.getRetry().getMaxAttempts()
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
            Call call = new Call(route, patternNode, dataNode, false, Long.MAX_VALUE,
                    observations.startCall(service, patternNode, true, observations.callerOf(reactor)));
            return observed(call.observed, awaitPool(route).then(Mono.defer(() -> emitAttempt(call))));
        });
    }

    private Mono<ServiceNode> emitAttempt(Call call) {
        ServiceRoute route = call.route;
        List<PooledNode> candidates = route.pool().candidates(call.tried);
        if (candidates.isEmpty()) {
            return Mono.error(call.lastFailure != null ? call.lastFailure : noNode(route));
        }
        PooledNode node = route.balancer().choose(candidates);
        call.tried.add(node);
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
        ServiceRoute known = routes.get(service);
        return known != null ? known : routes.computeIfAbsent(service, this::newRoute);
    }

    /** First call to a service: watch it in Consul, and keep its pool in step with the healthy set. */
    private ServiceRoute newRoute(String service) {
        ServicePool pool = new ServicePool(service, clients::open, clients.probe(properties.getEjection().getProbeTimeout()),
                properties.toEjectionSettings(), probes, metrics);
        HealthyNodesWatcher watcher = discovery.watch(service);
        watcher.onChange(pool::update);
        HealthyNodes known = watcher.current();
        if (known != null) {
            pool.update(known);
        }
        MeshClientProperties.Retry retry = properties.getRetry();
        return new ServiceRoute(service, watcher, pool, properties.getStrategy().newBalancer(),
                new RetryBudget(retry.getBudgetRatio(), retry.getMinPerSecond()),
                metrics.retries(service), metrics.retriesDenied(service));
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
                        route.pool().update(first);
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
        routes.forEach((service, route) -> services.put(service, status(route)));
        return services;
    }

    private static ServiceReport status(ServiceRoute route) {
        ServicePool pool = route.pool();
        HealthyNodes set = pool.lastSet();
        List<NodeReport> nodes = new ArrayList<>();
        for (PooledNode node : pool.nodes()) {
            InstanceHealth health = set == null ? null : set.health(node.node().instanceId());
            nodes.add(new NodeReport(node.node().instanceId(), node.node().address(), node.state().text(),
                    node.stateReason(), node.stateSince(), node.outstanding(), node.successes(), node.failures(),
                    node.failuresInARow(), Math.round(node.windowFailurePercent()),
                    Math.round(node.latencyMillis() * 10) / 10.0,
                    health == null ? null : health.status().text(),
                    node.diagnosis() == null ? null : node.diagnosis().text(),
                    node.diagnosis() == null ? null : node.diagnosis().at()));
        }
        return new ServiceReport(route.service(), pool.usable(), set == null ? 0 : set.nodes().size(), pool.inPanic(),
                route.watcher().consulProblem(), route.watcher().consulProblemSince(), nodes);
    }

    /** Patterns retried even after they were written; add more in code with {@code declare}. */
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
        probes.shutdownNow();
        routes.values().forEach(route -> route.pool().close());
        routes.clear();
    }

    /** What every call to one service needs, found with one lookup. */
    private record ServiceRoute(String service, HealthyNodesWatcher watcher, ServicePool pool, LoadBalancer balancer,
                                RetryBudget budget, Counter retries, Counter retriesDenied) {
    }

    /** One call across its attempts. */
    private static final class Call {
        final ServiceRoute route;
        final JsonNode pattern;
        final JsonNode data;
        final boolean idempotent;
        final long deadlineNanos;
        final ClientObservations.Observed observed;
        final List<PooledNode> tried = new ArrayList<>(2);
        Throwable lastFailure;

        Call(ServiceRoute route, JsonNode pattern, JsonNode data, boolean idempotent, long deadlineNanos,
             ClientObservations.Observed observed) {
            this.observed = observed;
            this.route = route;
            this.pattern = pattern;
            this.data = data;
            this.idempotent = idempotent;
            this.deadlineNanos = deadlineNanos;
        }
    }
}
