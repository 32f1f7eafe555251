package dev.consulmesh.pool;

import dev.consulmesh.connectivity.ConnectivityProbe;
import dev.consulmesh.connectivity.Diagnosis;
import dev.consulmesh.connectivity.ProbeResult;
import dev.consulmesh.discovery.HealthyNodes;
import dev.consulmesh.discovery.InstanceHealth;
import dev.consulmesh.discovery.ServiceNode;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.transport.client.ConnectionClosedException;
import dev.consulmesh.transport.client.NodeUnreachableException;
import dev.consulmesh.transport.client.RemoteErrorException;
import dev.consulmesh.transport.client.RequestTimeoutException;
import dev.consulmesh.transport.client.TcpClient;
import dev.consulmesh.transport.client.UnreachableReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The nodes of one service as one caller sees them. Consul's healthy set decides which nodes exist;
 * this caller's own experience decides which of them are in rotation: a node that refuses, resets or
 * does not connect is ejected at once, one that times out several requests in a row too. An ejected
 * node is probed (see {@link ConnectivityProbe}) after a growing, jittered backoff and comes back when
 * it answers; every probe leaves a {@link Diagnosis}, logged when it changes. When too few nodes are
 * left in rotation, calls go to the least-bad of all of them (panic mode) rather than failing.
 */
public final class ServicePool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServicePool.class);

    private final String service;
    private final Function<ServiceNode, TcpClient> clients;
    private final ConnectivityProbe probe;
    private final EjectionSettings settings;
    private final EjectionBackoff backoff;
    private final ScheduledExecutorService scheduler;
    private final MeshMetrics metrics;
    private final Object lock = new Object();
    private final Map<ServiceNode, PooledNode> active = new LinkedHashMap<>();
    private final List<PooledNode> draining = new ArrayList<>();
    private volatile List<PooledNode> rotation = List.of();
    private volatile HealthyNodes lastSet;
    private volatile boolean panic;
    private volatile boolean closed;

    public ServicePool(String service, Function<ServiceNode, TcpClient> clients, ConnectivityProbe probe,
                       EjectionSettings settings, ScheduledExecutorService scheduler, MeshMetrics metrics) {
        this.service = service;
        this.clients = clients;
        this.probe = probe;
        this.settings = settings;
        this.backoff = new EjectionBackoff(settings);
        this.scheduler = scheduler;
        this.metrics = metrics;
    }

    public String service() {
        return service;
    }

    /** Takes Consul's latest set: new nodes join, nodes that left drain and close once idle. */
    public void update(HealthyNodes set) {
        synchronized (lock) {
            Map<ServiceNode, PooledNode> previous = new LinkedHashMap<>(active);
            active.clear();
            for (ServiceNode node : set.nodes()) {
                PooledNode pooled = previous.remove(node);
                active.put(node, pooled != null ? pooled : newNode(node));
            }
            for (PooledNode leaving : previous.values()) {
                log.info("service {}: node {} ({}) left Consul's healthy set; closing its client after {} pending request(s)",
                        service, leaving.node().instanceId(), leaving.node().address(), leaving.client().pending());
                leaving.moveTo(NodeState.DRAINING, "left Consul's healthy set");
                leaving.client().closeWhenIdle();
                draining.add(leaving);
            }
            draining.removeIf(this::drained);
            rotation = List.copyOf(active.values());
            lastSet = set; // last: a caller that sees the pool known also sees its rotation
        }
    }

    private PooledNode newNode(ServiceNode node) {
        String id = node.instanceId();
        return new PooledNode(node, clients.apply(node), metrics.requests(service, id, true), metrics.requests(service, id, false));
    }

    private boolean drained(PooledNode node) {
        TcpClient client = node.client();
        return client.isClosed() && client.pending() == 0 && !client.isConnected();
    }

    /** True once Consul answered at least once. */
    public boolean isKnown() {
        return lastSet != null;
    }

    /** The latest set from Consul, null before its first answer. */
    public HealthyNodes lastSet() {
        return lastSet;
    }

    /**
     * The nodes a call may use next, minus those it already tried: the nodes in rotation; in panic mode
     * every listed node, or the least-bad of them when none is in rotation. Empty when none is left.
     */
    public List<PooledNode> candidates(Collection<PooledNode> tried) {
        List<PooledNode> listed = rotation;
        if (listed.isEmpty()) {
            return List.of();
        }
        List<PooledNode> healthy = new ArrayList<>(listed.size());
        for (PooledNode node : listed) {
            if (node.state() == NodeState.HEALTHY) {
                healthy.add(node);
            }
        }
        boolean inPanic = healthy.isEmpty() || healthy.size() * 100 < settings.panicThresholdPercent() * listed.size();
        notePanic(inPanic, healthy.size(), listed.size());
        List<PooledNode> pool = inPanic ? listed : healthy;
        if (tried.isEmpty() && !inPanic) {
            return pool;
        }
        List<PooledNode> untried = new ArrayList<>(pool.size());
        for (PooledNode node : pool) {
            if (!tried.contains(node)) {
                untried.add(node);
            }
        }
        // Below the panic threshold every listed node shares the load; with none left, the least-bad ones do.
        return inPanic && healthy.isEmpty() ? leastBad(untried) : untried;
    }

    private static List<PooledNode> leastBad(List<PooledNode> nodes) {
        int fewest = Integer.MAX_VALUE;
        for (PooledNode node : nodes) {
            fewest = Math.min(fewest, node.failuresInARow());
        }
        List<PooledNode> best = new ArrayList<>();
        for (PooledNode node : nodes) {
            if (node.failuresInARow() == fewest) {
                best.add(node);
            }
        }
        return best;
    }

    private void notePanic(boolean inPanic, int healthy, int listed) {
        if (inPanic == panic) {
            return;
        }
        panic = inPanic;
        if (inPanic) {
            log.warn("service {}: panic mode: only {} of {} listed node(s) in rotation; routing to the least-bad of all"
                    + " of them instead of failing calls", service, healthy, listed);
        } else {
            log.info("service {}: panic mode over: {} of {} node(s) in rotation", service, healthy, listed);
        }
    }

    public boolean inPanic() {
        return panic;
    }

    /** A call on the node got its answer. */
    public void succeeded(PooledNode node) {
        node.succeeded();
        synchronized (lock) {
            node.ejectionsInARow = 0;
        }
    }

    /** A call on the node failed: count it, and eject the node when the failure says it cannot serve. */
    public void failed(PooledNode node, Throwable failure) {
        if (failure instanceof RemoteErrorException) {
            node.failed();
            node.succeededTransport();
            return;
        }
        if (failure instanceof NodeUnreachableException unreachable) {
            if (unreachable.reason() == UnreachableReason.CLIENT_CLOSED) {
                return; // the node left the set on this side; not the node's fault
            }
            node.failed();
            eject(node, describe(unreachable.reason()));
        } else if (failure instanceof ConnectionClosedException) {
            node.failed();
            eject(node, "its connection closed with requests pending");
        } else if (failure instanceof RequestTimeoutException timeout) {
            node.failed();
            int inARow = node.timedOut();
            if (inARow >= settings.consecutiveTimeouts()) {
                eject(node, inARow + " request timeouts in a row (" + timeout.timeout().toMillis() + " ms each)");
            }
        } else {
            node.failed();
        }
    }

    private static String describe(UnreachableReason reason) {
        return switch (reason) {
            case REFUSED -> "a refused connection";
            case CONNECT_TIMEOUT -> "a connection that was not made in time";
            case NO_ROUTE -> "no route to it";
            case RESET -> "a reset connection";
            case TLS_HANDSHAKE -> "a failed TLS handshake";
            default -> "a failed connection";
        };
    }

    private void eject(PooledNode node, String reason) {
        Duration wait;
        synchronized (lock) {
            if (closed || node.state() != NodeState.HEALTHY || active.get(node.node()) != node) {
                return;
            }
            node.ejectionsInARow++;
            wait = backoff.forEjection(node.ejectionsInARow);
            node.probeDueNanos = System.nanoTime() + wait.toNanos();
            node.moveTo(NodeState.EJECTED, reason);
        }
        metrics.ejection(service, node.node().instanceId());
        log.warn("service {}: ejected node {} ({}) after {}; probing it again in {} ms", service, node.node().instanceId(),
                node.node().address(), reason, wait.toMillis());
        probe.probe(node.node()).thenAccept(result -> diagnose(node, result));
        scheduleProbe(node, wait);
    }

    private void scheduleProbe(PooledNode node, Duration wait) {
        if (closed) {
            return;
        }
        scheduler.schedule(() -> probe.probe(node.node()).thenAccept(result -> {
            diagnose(node, result);
            afterProbe(node, result);
        }), wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void afterProbe(PooledNode node, ProbeResult result) {
        Duration wait;
        synchronized (lock) {
            if (closed || node.state() != NodeState.EJECTED || active.get(node.node()) != node) {
                return; // it left Consul's set meanwhile
            }
            if (result.answers()) {
                node.moveTo(NodeState.HEALTHY, "answered a probe");
                log.info("service {}: node {} ({}) answered a probe in {} ms; back in rotation", service,
                        node.node().instanceId(), node.node().address(), result.took().toMillis());
                return;
            }
            node.ejectionsInARow++;
            wait = backoff.forEjection(node.ejectionsInARow);
            node.probeDueNanos = System.nanoTime() + wait.toNanos();
        }
        log.debug("service {}: node {} still fails its probe; next probe in {} ms", service, node.node().instanceId(),
                wait.toMillis());
        scheduleProbe(node, wait);
    }

    private void diagnose(PooledNode node, ProbeResult result) {
        HealthyNodes set = lastSet;
        InstanceHealth health = set == null ? null : set.health(node.node().instanceId());
        Diagnosis latest = Diagnosis.of(node.node(), result, health, probe.timeout(), node.successes() > 0);
        Diagnosis previous = node.diagnosis();
        node.diagnosed(latest);
        if (latest.differsFrom(previous)) {
            if (result.answers()) {
                log.info("service {}: node {}: {}", service, node.node().instanceId(), latest.text());
            } else {
                log.warn("service {}: node {}: {}", service, node.node().instanceId(), latest.text());
            }
        }
    }

    /** Every node this caller knows: in Consul's set (healthy or ejected), then those draining. */
    public List<PooledNode> nodes() {
        synchronized (lock) {
            draining.removeIf(this::drained);
            List<PooledNode> all = new ArrayList<>(active.values());
            all.addAll(draining);
            return all;
        }
    }

    /** Nodes in rotation now. */
    public int usable() {
        int usable = 0;
        for (PooledNode node : rotation) {
            if (node.state() == NodeState.HEALTHY) {
                usable++;
            }
        }
        return usable;
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            active.values().forEach(node -> node.client().close());
            draining.forEach(node -> node.client().close());
            active.clear();
            draining.clear();
            rotation = List.of();
        }
    }
}
