package dev.consulmesh.pool;

import dev.consulmesh.connectivity.ConnectivityProbe;
import dev.consulmesh.connectivity.Diagnosis;
import dev.consulmesh.connectivity.ProbeResult;
import dev.consulmesh.discovery.HealthyNodes;
import dev.consulmesh.discovery.InstanceHealth;
import dev.consulmesh.discovery.ServiceNode;
import dev.consulmesh.failure.CallFailure;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.transport.client.TcpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The nodes of one service as one caller sees them. Consul's healthy set decides which nodes exist;
 * this caller's own experience decides which of them are in rotation: a node that refuses, resets or
 * does not connect is ejected at once, one that times out several requests in a row while its peers
 * answer too, and one whose failures or latency stand out from its peers' ({@link OutlierRules}). An ejected node is probed (see
 * {@link ConnectivityProbe}) after a growing, jittered backoff and comes back when it answers: at once
 * when its connection had failed, on {@link NodeState#TRIAL trial} when its answers or slowness ejected
 * it (the probe shows it listens, not that it answers real calls in time: its trial calls do). Every
 * probe leaves a {@link Diagnosis}, logged when it changes. When too few nodes are left in rotation,
 * calls go to the least-bad of all of them (panic mode) rather than failing.
 */
public final class ServicePool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServicePool.class);
    /** How often a node's latency is compared with its peers' at most, while its calls are slow. */
    static final long LATENCY_CHECK_NANOS = 100_000_000L;

    private final String service;
    private final Function<ServiceNode, TcpClient> clients;
    private final ConnectivityProbe probe;
    private final EjectionSettings settings;
    private final ShareSettings shares;
    private final EjectionBackoff backoff;
    private final OutlierRules outliers;
    private final ScheduledExecutorService scheduler;
    private final MeshMetrics metrics;
    private final Object lock = new Object();
    private final Map<ServiceNode, PooledNode> active = new LinkedHashMap<>();
    private final List<PooledNode> draining = new ArrayList<>();
    private volatile List<PooledNode> rotation = List.of();
    private volatile HealthyNodes lastSet;
    private volatile boolean panic;
    private volatile boolean closed;
    /** Whether the nodes in rotation have different weights in Consul. */
    private volatile boolean weightsDiffer;
    /** When the last node's slow start ends, System.nanoTime(); 0 when none ramps. */
    private volatile long rampEndsNanos;

    public ServicePool(String service, Function<ServiceNode, TcpClient> clients, ConnectivityProbe probe,
                       EjectionSettings settings, ScheduledExecutorService scheduler, MeshMetrics metrics) {
        this(service, clients, probe, settings, ShareSettings.defaults(), scheduler, metrics);
    }

    public ServicePool(String service, Function<ServiceNode, TcpClient> clients, ConnectivityProbe probe,
                       EjectionSettings settings, ShareSettings shares, ScheduledExecutorService scheduler,
                       MeshMetrics metrics) {
        this.service = service;
        this.shares = shares;
        this.clients = clients;
        this.probe = probe;
        this.settings = settings;
        this.backoff = new EjectionBackoff(settings);
        this.outliers = new OutlierRules(settings.outliers());
        this.scheduler = scheduler;
        this.metrics = metrics;
    }

    public String service() {
        return service;
    }

    /** Takes Consul's latest set: new nodes join, nodes that left drain and close once idle. */
    public void update(HealthyNodes set) {
        synchronized (lock) {
            boolean first = lastSet == null;
            Map<ServiceNode, PooledNode> previous = new LinkedHashMap<>(active);
            active.clear();
            for (ServiceNode node : set.nodes()) {
                join(node, InstanceHealth.Status.PASSING, previous, first);
            }
            if (shares.consulWeights()) {
                for (ServiceNode node : set.warning()) {
                    if (node.weights().warning() > 0) {
                        join(node, InstanceHealth.Status.WARNING, previous, first);
                    }
                }
            }
            int weight = -1;
            boolean differ = false;
            for (PooledNode node : active.values()) {
                differ |= weight != -1 && node.consulWeight != weight;
                weight = node.consulWeight;
            }
            weightsDiffer = differ;
            for (PooledNode leaving : previous.values()) {
                log.info("service {}: node {} ({}) left Consul's healthy set; closing its client after {} pending request(s)",
                        service, leaving.node().instanceId(), leaving.node().address(), leaving.client().pending());
                leaving.moveTo(NodeState.DRAINING, "left Consul's healthy set");
                leaving.client().closeWhenIdle();
                draining.add(leaving);
            }
            draining.removeIf(this::forgetIfDrained);
            rotation = List.copyOf(active.values());
            lastSet = set; // last: a caller that sees the pool known also sees its rotation
        }
    }

    /** A node of Consul's set joins the rotation, or stays, at its weight for its status. */
    private void join(ServiceNode node, InstanceHealth.Status status, Map<ServiceNode, PooledNode> previous, boolean first) {
        PooledNode pooled = previous.remove(node);
        if (pooled == null) {
            pooled = newNode(node);
            if (!first) {
                startRamp(pooled); // the caller's first set is the service as it runs: no node in it is cold
            }
        } else if (!pooled.node().sameAs(node)) {
            pooled.describedAs(node); // a canary tag or a zone read from it takes effect with Consul's next answer
        }
        pooled.consulWeight = shares.consulWeights() ? node.weights().forStatus(status) : 1;
        active.put(node, pooled);
    }

    /** The node takes a share that grows over the slow-start window, from now. */
    private void startRamp(PooledNode node) {
        if (!shares.slowStart()) {
            return;
        }
        long now = System.nanoTime();
        node.rampStartNanos = now;
        rampEndsNanos = now + shares.slowStartWindow().toNanos();
    }

    /**
     * Whether the candidates do not all take the same share right now (weights in Consul differ, or a
     * node ramps up): then a balancer chooses with {@link #weights}. Cheap, for every call.
     */
    public boolean weighted() {
        long rampEnds = rampEndsNanos;
        return weightsDiffer || (rampEnds != 0 && System.nanoTime() - rampEnds < 0);
    }

    /** Each candidate's weight now: its Consul weight times its slow-start share. */
    public double[] weights(List<PooledNode> candidates) {
        long now = System.nanoTime();
        double[] weights = new double[candidates.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = weight(candidates.get(i), now);
        }
        return weights;
    }

    /** A node's weight at {@code nowNanos}: its Consul weight times its slow-start share. */
    public double weight(PooledNode node, long nowNanos) {
        return node.consulWeight * slowStartShare(node, nowNanos);
    }

    /** The share (0..1] of its weight that slow start gives the node at {@code nowNanos}; 1 once ramped. */
    public double slowStartShare(PooledNode node, long nowNanos) {
        long start = node.rampStartNanos;
        return start == 0 ? 1.0 : shares.rampFactor(nowNanos - start);
    }

    private PooledNode newNode(ServiceNode node) {
        String id = node.instanceId();
        metrics.ejections(service, id); // at 0 from the start, so a dashboard's rate() sees the first ejection too
        return new PooledNode(node, clients.apply(node), metrics.requests(service, id, true), metrics.requests(service, id, false),
                new OutcomeWindow(settings.outliers().window()));
    }

    /** A drained node is dropped, its meters with it unless it came back meanwhile (they are shared by id). */
    private boolean forgetIfDrained(PooledNode node) {
        if (!drained(node)) {
            return false;
        }
        String id = node.node().instanceId();
        if (active.keySet().stream().noneMatch(listed -> listed.instanceId().equals(id))) {
            metrics.removeNode(service, id);
        }
        return true;
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
        List<PooledNode> heldBack = new ArrayList<>();
        for (PooledNode node : listed) {
            if (node.state() == NodeState.HEALTHY || (node.state() == NodeState.TRIAL && admitsTrialCall(node))) {
                healthy.add(node);
            } else if (node.state() == NodeState.TRIAL) {
                heldBack.add(node);
            }
        }
        int inRotation = healthy.size() + heldBack.size();
        boolean inPanic = inRotation == 0 || inRotation * 100 < settings.panicThresholdPercent() * listed.size();
        notePanic(inPanic, inRotation, listed.size());
        List<PooledNode> pool = inPanic ? listed : healthy;
        if (tried.isEmpty() && !inPanic && !pool.isEmpty()) {
            return pool;
        }
        List<PooledNode> untried = untried(pool, tried);
        if (untried.isEmpty() && !inPanic) {
            untried = untried(heldBack, tried); // better a node on trial than no node
        }
        // Below the panic threshold every listed node shares the load; with none left, the least-bad ones do.
        return inPanic && inRotation == 0 ? leastBad(untried) : untried;
    }

    /**
     * Whether a call that tried {@code tried} has another node to go on to (the check of
     * {@link #candidates} without building the list): a node in rotation it has not tried, or in panic
     * mode any listed node it has not tried.
     */
    public boolean hasUntried(Collection<PooledNode> tried) {
        boolean inPanic = panic;
        for (PooledNode node : rotation) {
            if (untriedInRotation(node, tried, inPanic)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a hedge of a call whose first attempt began at {@code sinceNanos} could beat that attempt: a
     * node the call could go on to ({@link #hasUntried}) answered a call begun since, or none was asked
     * anything since (a quiet service: nothing tells). Not when they were asked and answered none: then the
     * lateness is not the first node's alone but the machine's or the caller's (a pause, a full CPU), and a
     * hedge would only add load where it hurts.
     */
    public boolean othersKeepUpSince(Collection<PooledNode> tried, long sinceNanos) {
        boolean inPanic = panic;
        boolean askedSince = false;
        for (PooledNode node : rotation) {
            if (!untriedInRotation(node, tried, inPanic)) {
                continue;
            }
            if (node.answeredCallBegunSince(sinceNanos)) {
                return true;
            }
            askedSince |= node.askedSince(sinceNanos);
        }
        return !askedSince;
    }

    /** A node a call that tried {@code tried} may go on to: untried, and in rotation (any listed one in panic mode). */
    private static boolean untriedInRotation(PooledNode node, Collection<PooledNode> tried, boolean inPanic) {
        return !tried.contains(node)
                && (inPanic || node.state() == NodeState.HEALTHY || node.state() == NodeState.TRIAL);
    }

    private static List<PooledNode> untried(List<PooledNode> nodes, Collection<PooledNode> tried) {
        List<PooledNode> untried = new ArrayList<>(nodes.size());
        for (PooledNode node : nodes) {
            if (!tried.contains(node)) {
                untried.add(node);
            }
        }
        return untried;
    }

    /**
     * A node on trial takes a few calls at first, then a growing share: with n calls answered on trial,
     * at most n+1 at once, and each call with a chance of (n+1)/(trial-calls+1).
     */
    private boolean admitsTrialCall(PooledNode node) {
        int answered = node.trialSuccesses;
        return node.outstanding() <= answered
                && ThreadLocalRandom.current().nextInt(settings.outliers().trialCalls() + 1) <= answered;
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

    /**
     * An attempt on the node begun at {@code startedNanos} ended, however it ended: its time counts in
     * the node's latency, and a slow one has the node's latency compared with its peers' (at most every
     * {@link #LATENCY_CHECK_NANOS}, and on trial at every slow call).
     */
    public void ended(PooledNode node, long startedNanos) {
        node.end(startedNanos);
        OutlierSettings rules = settings.outliers();
        long now = System.nanoTime();
        long took = now - startedNanos;
        if (!rules.latencyEjection() || took < rules.latencyMinDifference().toNanos()) {
            return; // a fast call: nothing to look at, and nothing locked on the path of a call
        }
        if (node.state() == NodeState.TRIAL) {
            String slow = outliers.slowTrialCall(node, rotation, took, now);
            if (slow != null) {
                eject(node, slow, true);
            }
            return;
        }
        if (node.state() != NodeState.HEALTHY || now - node.latencyCheckedNanos < LATENCY_CHECK_NANOS) {
            return;
        }
        node.latencyCheckedNanos = now;
        String verdict = outliers.latencyVerdict(node, rotation, now);
        if (verdict != null) {
            ejectWithinCap(node, verdict);
        }
    }

    /** A call on the node got its answer (one the caller could use). */
    public void succeeded(PooledNode node, long startedNanos) {
        node.succeeded(startedNanos);
        afterSuccess(node);
    }

    /** A call on the node succeeded (its start not known: an event written). */
    public void succeeded(PooledNode node) {
        node.succeeded();
        afterSuccess(node);
    }

    private void afterSuccess(PooledNode node) {
        if (node.state() == NodeState.HEALTHY && node.ejectionsInARow == 0) {
            return; // the usual case, without the lock
        }
        synchronized (lock) {
            if (node.state() != NodeState.TRIAL) {
                if (node.state() == NodeState.HEALTHY) {
                    node.ejectionsInARow = 0;
                }
                return;
            }
            node.trialSuccesses++;
            if (node.trialSuccesses < settings.outliers().trialCalls()) {
                return;
            }
            node.ejectionsInARow = 0;
            node.moveTo(NodeState.HEALTHY, "answered " + node.trialSuccesses + " calls on trial");
        }
        log.info("service {}: node {} ({}) answered its trial calls; fully back in rotation", service,
                node.node().instanceId(), node.node().address());
    }

    /** A call on the node failed: count it, and eject the node when the failure says it cannot serve. */
    public void failed(PooledNode node, Throwable failure) {
        failed(node, CallFailure.of(failure));
    }

    /** A call on the node failed: count it, and eject the node when the failure says it cannot serve. */
    public void failed(PooledNode node, CallFailure failure) {
        if (failure.blame() == CallFailure.Blame.NONE) {
            return; // e.g. the node left the set on this side; not the node's fault
        }
        node.failed();
        if (failure.nodeAnswered()) {
            node.succeededTransport();
        }
        if (node.state() == NodeState.TRIAL && failedTrial(node, failure)) {
            eject(node, "a failed call on trial: " + failure.cause(), true);
            return;
        }
        switch (failure.blame()) {
            case CONNECTION -> {
                eject(node, failure.cause(), false);
                return;
            }
            case SLOWNESS -> {
                int inARow = node.timedOut();
                if (inARow >= settings.consecutiveTimeouts()) {
                    if (othersServedSince(node, node.timeoutsSinceNanos())) {
                        eject(node, inARow + " request timeouts in a row (" + failure.cause()
                                + " each) while the other nodes answered", true);
                        return;
                    }
                    log.debug("service {}: node {} timed out {} requests in a row, as its peers did: not ejected",
                            service, node.node().instanceId(), inARow);
                    node.noted("kept in rotation after " + inARow + " request timeouts in a row: the other nodes"
                            + " timed out too, or none answered meanwhile (a pause they all share)");
                }
            }
            default -> {
            }
        }
        ejectIfOutlier(node, failure);
    }

    /**
     * Whether the other nodes in rotation served while {@code node} timed out since {@code sinceNanos}:
     * one of them answered, and fewer than half of them timed out meanwhile (or none is in rotation to
     * compare with). Timeouts every node shares — a pause of the caller, or of all nodes — eject none.
     */
    private boolean othersServedSince(PooledNode node, long sinceNanos) {
        int peers = 0;
        int answered = 0;
        int timedOut = 0;
        for (PooledNode peer : rotation) {
            if (peer == node || (peer.state() != NodeState.HEALTHY && peer.state() != NodeState.TRIAL)) {
                continue;
            }
            peers++;
            answered += peer.lastAnswerNanos() - sinceNanos > 0 ? 1 : 0;
            timedOut += peer.lastTimeoutNanos() - sinceNanos > 0 ? 1 : 0;
        }
        return peers == 0 || (answered > 0 && timedOut * 2 < peers);
    }

    /** On trial, a call that fails for the node's own reasons (not one all nodes fail) ends the trial. */
    private boolean failedTrial(PooledNode node, CallFailure failure) {
        if (failure.blame() != CallFailure.Blame.ANSWER) {
            return true;
        }
        synchronized (lock) {
            return outliers.standsOut(node, active.values(), System.nanoTime());
        }
    }

    /** Ejects a node whose failures stand out from its peers', within the most nodes these rules may hold out. */
    private void ejectIfOutlier(PooledNode node, CallFailure failure) {
        String verdict;
        synchronized (lock) {
            verdict = outliers.verdict(node, active.values(), failure, System.nanoTime());
        }
        if (verdict != null) {
            ejectWithinCap(node, verdict);
        }
    }

    /** Ejects an outlier unless the most nodes the outlier rules may hold out are out already. */
    private void ejectWithinCap(PooledNode node, String verdict) {
        synchronized (lock) {
            long ejected = active.values().stream().filter(other -> other.state() == NodeState.EJECTED).count();
            int allowed = settings.outliers().maxEjected(active.size());
            if (ejected >= allowed) {
                log.debug("service {}: node {} is an outlier ({}) but {} of {} node(s) are out already (max-ejection-percent)",
                        service, node.node().instanceId(), verdict, ejected, active.size());
                node.noted("kept in rotation although an outlier (" + verdict + "): " + ejected + " of " + active.size()
                        + " node(s) are out already (max-ejection-percent)");
                return;
            }
        }
        eject(node, verdict, true);
    }

    /** @param forOutcomes ejected for its answers or slowness, not its connection: it comes back on trial */
    private void eject(PooledNode node, String reason, boolean forOutcomes) {
        Duration wait;
        synchronized (lock) {
            NodeState state = node.state();
            if (closed || (state != NodeState.HEALTHY && state != NodeState.TRIAL) || active.get(node.node()) != node) {
                return;
            }
            node.ejectedForOutcomes = forOutcomes;
            node.ejectionsInARow++;
            wait = backoff.forEjection(node.ejectionsInARow);
            node.probeDueNanos = System.nanoTime() + wait.toNanos();
            node.moveTo(NodeState.EJECTED, reason);
        }
        metrics.ejections(service, node.node().instanceId()).increment();
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
            if (result.answers() && node.ejectedForOutcomes) {
                node.trialSuccesses = 0;
                node.moveTo(NodeState.TRIAL, "answered a probe; on trial after " + node.stateReason());
                startRamp(node);
                log.info("service {}: node {} ({}) answered a probe in {} ms; back on trial for {} call(s)", service,
                        node.node().instanceId(), node.node().address(), result.took().toMillis(),
                        settings.outliers().trialCalls());
                return;
            }
            if (result.answers()) {
                node.moveTo(NodeState.HEALTHY, "answered a probe");
                startRamp(node);
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
            draining.removeIf(this::forgetIfDrained);
            List<PooledNode> all = new ArrayList<>(active.values());
            all.addAll(draining);
            return all;
        }
    }

    /** Every node Consul lists (in whatever state this caller holds it), in a stable order; no copy. */
    public List<PooledNode> listed() {
        return rotation;
    }

    /** Nodes in rotation now, those on trial included. */
    public int usable() {
        int usable = 0;
        for (PooledNode node : rotation) {
            if (node.state() == NodeState.HEALTHY || node.state() == NodeState.TRIAL) {
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
