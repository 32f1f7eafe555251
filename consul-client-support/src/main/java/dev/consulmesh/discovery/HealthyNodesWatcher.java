package dev.consulmesh.discovery;

import dev.consulmesh.consul.AclToken;
import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.consul.ConsulFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.consulmesh.consul.internal.ConsulHealthApi;
import dev.consulmesh.metrics.MeshMetrics;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Keeps the instances of one service current with Consul blocking queries on
 * {@code /v1/health/service/<name>}: each query returns as soon as the answer changes, and the next one
 * waits from the index it returned. Calls go to the passing instances; the others are kept with their
 * check output, for diagnoses. Readers take {@link #current()} without waiting.
 * <p>
 * While Consul cannot be reached, the last known set stays current and queries resume with backoff.
 * When Consul answers again after an outage or a restart (its index went back), it may not list the
 * instances yet (a dev agent restarts empty; nodes register again within seconds): for the resync
 * grace period, instances routed to before and not listed as passing yet stay in the set, marked
 * unconfirmed.
 * <p>
 * Every query passes the ACL token. Consul refusing it (403) is reported as such, not as an outage;
 * and since under ACLs Consul answers with an empty list instead of an error when the token may not
 * read the service or its nodes, an empty answer is checked for that, and said so.
 */
public final class HealthyNodesWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthyNodesWatcher.class);

    private final String service;
    private final String datacenter;
    private final ConsulAgent agent;
    private final DiscoveryProperties properties;
    private final CompletableFuture<HealthyNodes> firstAnswer = new CompletableFuture<>();
    private final List<Consumer<HealthyNodes>> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile HealthyNodes current;
    private volatile boolean running = true;
    /** Why the last query failed (agent unreachable, or refusing the token); null when it answered. */
    private volatile String failure;
    private volatile Instant failureSince;
    /** What the last query's failure was, to log a problem once per kind and not once per retry. */
    private ConsulFailure lastFailure;
    /** Why the last answer may lack instances because of ACLs; null when Consul says it hid nothing. */
    private volatile String hidden;
    private volatile Instant hiddenSince;
    private Instant resyncUntil;
    private final RegistryDataCheck check;
    /** What the last answer held that could not be used as given; empty when nothing. */
    private volatile RegistryDataCheck.Result lastCheck = new RegistryDataCheck.Result(List.of(), List.of(), 0);
    /**
     * The instances of the last answer by id; the watcher's thread only. An instance Consul says the same
     * of again is kept as the same object: a set that changed in one instance holds one new object, and
     * the pool and the subset find the others unchanged by identity before equality.
     */
    private Map<String, ServiceNode> known = Map.of();
    /** Decodes only the entries of an answer that differ from the last one's; the watcher's thread only. */
    private final HealthAnswerDecoder decoder = new HealthAnswerDecoder();

    public HealthyNodesWatcher(String service, ConsulAgent agent, DiscoveryProperties properties) {
        this(service, null, agent, properties, MeshMetrics.inMemory());
    }

    /**
     * @param datacenter the datacenter whose instances to watch; null for the agent's own
     * @param metrics    where what {@link RegistryDataCheck} finds in Consul's answers is counted
     */
    public HealthyNodesWatcher(String service, String datacenter, ConsulAgent agent, DiscoveryProperties properties,
                               MeshMetrics metrics) {
        this(service, datacenter, agent, properties, RegistryDataCheck.Purpose.ROUTING, metrics);
    }

    /**
     * @param datacenter the datacenter whose instances to watch; null for the agent's own
     * @param purpose    what the instances are for: nodes to route to, or members only counted by id
     * @param metrics    where what {@link RegistryDataCheck} finds in Consul's answers is counted
     */
    public HealthyNodesWatcher(String service, String datacenter, ConsulAgent agent, DiscoveryProperties properties,
                               RegistryDataCheck.Purpose purpose, MeshMetrics metrics) {
        this.service = Objects.requireNonNull(service, "service");
        this.datacenter = datacenter;
        this.agent = Objects.requireNonNull(agent, "agent");
        this.properties = properties;
        this.check = new RegistryDataCheck(service, datacenter, properties.getMaxWeightRatio(), purpose, metrics);
        this.thread = new Thread(this::watch, "consul-watch-" + service + (datacenter == null ? "" : "-" + datacenter));
        this.thread.setDaemon(true);
        this.thread.start();
    }

    public String service() {
        return service;
    }

    /** The datacenter watched; null for the agent's own. */
    public String datacenter() {
        return datacenter;
    }

    /** The latest known set, or null before Consul first answered. */
    public HealthyNodes current() {
        return current;
    }

    /** Completes with the first answer from Consul. */
    public CompletableFuture<HealthyNodes> firstAnswer() {
        return firstAnswer;
    }

    /**
     * Why Consul's view of the service cannot be had or trusted right now — the agent cannot be reached,
     * refuses the token, or hides instances from it — in words an operator can act on; null when it
     * answers in full.
     */
    public String consulProblem() {
        String failing = failure;
        return failing != null ? failing : hidden;
    }

    /** Since when {@link #consulProblem()} holds; null when there is none. */
    public Instant consulProblemSince() {
        return failure != null ? failureSince : hiddenSince;
    }

    /**
     * What Consul's last answer listed that could not be used as given: instances skipped (bad id,
     * address or port, a duplicate id) and values replaced (metadata, tags, clamped weights).
     */
    public List<RegistryDataCheck.Finding> registryFindings() {
        return lastCheck.findings();
    }

    /** Findings of the last answer beyond those {@link #registryFindings()} lists. */
    public int moreRegistryFindings() {
        return lastCheck.moreFindings();
    }

    /** Called with every changed set, on the watcher's thread. */
    public void onChange(Consumer<HealthyNodes> listener) {
        listeners.add(listener);
    }

    private void watch() {
        long index = 0;
        Duration backoff = properties.getInitialBackoff();
        while (running) {
            try {
                ResponseEntity<byte[]> answer = agent.watchHealth().healthServiceBytes(service,
                        agent.aclToken(), datacenter, index, waitSeconds() + "s");
                ResponseEntity<List<ConsulHealthApi.Entry>> response = new ResponseEntity<>(
                        decoder.decode(answer.getBody() == null ? new byte[0] : answer.getBody()), answer.getHeaders(),
                        answer.getStatusCode());
                long answeredIndex = consulIndex(response.getHeaders());
                if (answeredIndex < index) {
                    // Consul's index went back: the agent or cluster restarted and may not list everyone yet.
                    startResync("Consul's index went back from " + index + " to " + answeredIndex + " (restarted?)");
                }
                index = answeredIndex < index ? 0 : answeredIndex;
                recovered();
                checkHiding(response.getBody(), response.getHeaders());
                publish(response.getBody(), answeredIndex);
                backoff = properties.getInitialBackoff();
                if (answeredIndex == 0) {
                    // without an index (a proxy dropped the header) the next query cannot block: pace it instead
                    sleep(properties.getInitialBackoff());
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                failed(e);
                index = 0;
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(properties.getMaxBackoff()) > 0
                        ? properties.getMaxBackoff() : backoff.multipliedBy(2);
            }
        }
    }

    private ServiceNode unchangedOrNew(ServiceNode listed) {
        ServiceNode before = known.get(listed.instanceId());
        return before != null && before.sameAs(listed) ? before : listed;
    }

    /** X-Consul-Index of an answer; an answer without a readable one starts the next query afresh. */
    private static long consulIndex(HttpHeaders headers) {
        String index = headers.getFirst("X-Consul-Index");
        try {
            return index == null ? 0 : Long.parseUnsignedLong(index.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The query's wait: shorter during a resync, so the set is published again when the grace ends. */
    private long waitSeconds() {
        long wait = properties.getWait().toSeconds();
        if (resyncUntil != null) {
            long left = Duration.between(Instant.now(), resyncUntil).toSeconds() + 1;
            wait = Math.max(1, Math.min(wait, left));
        }
        return wait;
    }

    private void publish(List<ConsulHealthApi.Entry> entries, long index) {
        Map<String, InstanceHealth> registered = new LinkedHashMap<>();
        Map<String, ServiceNode> seen = new HashMap<>();
        List<ServiceNode> passing = new ArrayList<>();
        List<ServiceNode> warning = new ArrayList<>();
        // Every entry is checked (cheap string and range checks; duplicate ids and weight ratios need the
        // whole answer); only the entries whose bytes changed were decoded, and unchanged instances keep
        // their objects.
        RegistryDataCheck.Result checked = check.check(entries);
        lastCheck = checked;
        for (RegistryDataCheck.Checked instance : checked.instances()) {
            ServiceNode node = unchangedOrNew(instance.node());
            InstanceHealth health = instance.health();
            seen.put(node.instanceId(), node);
            registered.put(node.instanceId(), health);
            if (health.isPassing()) {
                passing.add(node);
            } else if (health.status() == InstanceHealth.Status.WARNING) {
                warning.add(node);
            }
        }
        known = seen;
        warning.sort(Comparator.comparing(ServiceNode::instanceId));
        List<ServiceNode> nodes = new ArrayList<>(passing);
        Set<String> unconfirmed = new HashSet<>();
        HealthyNodes previous = current;
        if (resyncUntil != null && Instant.now().isBefore(resyncUntil) && previous != null) {
            Set<ServiceNode> listed = new HashSet<>(passing);
            for (ServiceNode known : previous.nodes()) {
                if (!listed.contains(known)) {
                    nodes.add(known);
                    unconfirmed.add(known.instanceId());
                }
            }
        } else if (resyncUntil != null) {
            resyncUntil = null;
            log.info("service {}: resync after the Consul outage is over; routing to what Consul lists", service);
        }
        nodes.sort(Comparator.comparing(ServiceNode::instanceId));
        if (previous != null && ServiceNode.sameLists(previous.nodes(), nodes) && previous.registered().equals(registered)
                && previous.unconfirmed().equals(unconfirmed) && ServiceNode.sameLists(previous.warning(), warning)) {
            return;
        }
        HealthyNodes next = new HealthyNodes(service, nodes, registered, unconfirmed, index, Instant.now(), warning);
        current = next;
        String change = SetChange.describe(previous, nodes, registered, unconfirmed);
        if (!change.isEmpty()) {
            log.info("service {}: {}", service, change);
        }
        firstAnswer.complete(next);
        for (Consumer<HealthyNodes> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                log.warn("a listener of service {} failed on a change", service, e);
            }
        }
    }

    /**
     * An empty answer may be what ACLs let the token see: the answer's headers say whether Consul hid
     * anything, so that zero instances never pass silently for a missing right.
     */
    private void checkHiding(List<?> entries, HttpHeaders headers) {
        String now = entries == null || entries.isEmpty() ? agent.aclHiddenInstances(service, headers) : null;
        if (Objects.equals(now, hidden)) {
            return;
        }
        if (now != null) {
            log.warn("service {}: {}", service, now);
            hiddenSince = Instant.now();
        } else {
            log.info("service {}: Consul no longer hides instances from this process's token", service);
            hiddenSince = null;
        }
        hidden = now;
    }

    /** Logs a problem when it starts or changes kind (a 500 turning into garbage), not on every retry. */
    private void failed(RuntimeException e) {
        ConsulFailure now = agent.failure(e, AclToken.serviceAndNodeRead(service));
        String problem = now.kind() == ConsulFailure.Kind.REFUSED
                ? "Consul refuses to list " + service + " to this process: " + now.text()
                : now.text();
        if (!now.sameKindAs(lastFailure)) {
            HealthyNodes known = current;
            if (failure == null) {
                failureSince = Instant.now();
            }
            log.warn("service {}: {}; {} and retrying with backoff", service, problem,
                    known == null ? "no instances known yet" : "routing with the last " + known.nodes().size() + " known instance(s)");
        }
        lastFailure = now;
        failure = problem;
    }

    private void recovered() {
        if (failure != null) {
            long seconds = Duration.between(failureSince, Instant.now()).toSeconds();
            log.info("Consul answers again for service {} after {} s", service, seconds);
            failure = null;
            failureSince = null;
            startResync(lastFailure.kind() == ConsulFailure.Kind.REFUSED ? "Consul refused the token" : "Consul failed to answer");
            lastFailure = null;
        }
    }

    private void startResync(String why) {
        if (current == null || properties.getResyncGrace().isZero()) {
            return;
        }
        resyncUntil = Instant.now().plus(properties.getResyncGrace());
        log.info("service {}: {}; for {} s, instances Consul does not list as passing yet stay in rotation", service, why,
                properties.getResyncGrace().toSeconds());
    }

    private void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
