package dev.consulmesh.subset;

import dev.consulmesh.discovery.HealthyNodes;
import dev.consulmesh.discovery.HealthyNodesWatcher;
import dev.consulmesh.discovery.ServiceDiscovery;
import dev.consulmesh.discovery.ServiceNode;
import dev.consulmesh.consul.ConsulAgent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.consul.model.http.agent.NewService;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The callers of one service as Consul lists them, and this caller among them. Joining registers this
 * caller as an instance of {@code <service>-callers} with a TTL check, passed every third of the TTL, and
 * watches that service with a blocking query; the passing instances, sorted by id, give every caller its
 * position. A caller that dies stops passing its check and drops out after the TTL; one that closes
 * deregisters. Until Consul lists this caller (or when it refuses to register it), the position comes
 * from the caller id's hash.
 */
final class CallerRoster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallerRoster.class);
    static final String SUFFIX = "-callers";

    private final String callersService;
    private final String instanceId;
    private final ServiceDiscovery discovery;
    private final Duration ttl;
    private final ScheduledExecutorService scheduler;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile CallerPosition position;
    private boolean joined;
    private HealthyNodesWatcher watcher;
    private ScheduledFuture<?> passing;

    CallerRoster(String service, String callerId, ServiceDiscovery discovery, Duration ttl, ScheduledExecutorService scheduler) {
        this.callersService = service + SUFFIX;
        this.instanceId = callersService + "-" + callerId;
        this.discovery = discovery;
        this.ttl = ttl;
        this.scheduler = scheduler;
        this.position = CallerPosition.hashed(instanceId);
    }

    /** The Consul service the callers of {@code service} register as. */
    static String callersOf(String service) {
        return service + SUFFIX;
    }

    CallerPosition position() {
        return position;
    }

    /** Called, on some thread, when this caller's position changes. */
    void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** Registers this caller and starts watching the others; once. */
    synchronized void join() {
        if (joined) {
            return;
        }
        joined = true;
        try {
            watcher = discovery.watchMembers(callersService);
        } catch (IllegalStateException tooMany) {
            log.warn("cannot follow the callers of {}: {}; this caller's subset comes from its id's hash",
                    callersService, tooMany.getMessage());
            return;
        }
        try {
            scheduler.execute(this::register);
        } catch (RejectedExecutionException closing) {
            return; // the mesh client is closing: a set that arrives meanwhile registers nobody
        }
        watcher.onChange(this::callersChanged);
        HealthyNodes known = watcher.current();
        if (known != null) {
            callersChanged(known);
        }
    }

    private void register() {
        ConsulAgent agent = discovery.agent();
        NewService caller = new NewService();
        caller.setId(instanceId);
        caller.setName(callersService);
        caller.setTags(List.of("mesh-caller"));
        NewService.Check check = new NewService.Check();
        check.setTtl(ttl.toMillis() + "ms");
        check.setDeregisterCriticalServiceAfter(Duration.ofMinutes(1).toMillis() + "ms");
        caller.setCheck(check);
        try {
            agent.client().agentServiceRegister(agent.aclToken(), caller);
            keepPassing();
            log.info("registered as caller {} of {} in Consul (TTL {} ms), to learn this caller's subset",
                    instanceId, callersService, ttl.toMillis());
        } catch (RuntimeException e) {
            // Not answered in time is treated as refused. Passing a registration that may have taken effect on an
            // agent under load was tried in bench/scale-sim: exact positions, but 5.7 % of calls failed against
            // 1.0 % on hash positions (docs/scale.md, "Where it stops").
            log.warn("cannot register as caller {} in Consul at {}: {}; this caller's subset comes from its id's hash"
                            + " (check the token's service:write on {}); retrying in {} ms", instanceId, agent.address(),
                    e.getMessage(), callersService, ttl.toMillis());
            scheduler.schedule(this::register, ttl.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Passes the caller's check now and every third of the TTL, unless it already does (once per roster). */
    private synchronized void keepPassing() {
        if (!joined || passing != null) {
            return;
        }
        long every = Math.max(100, ttl.toMillis() / 3);
        passing = scheduler.scheduleWithFixedDelay(this::pass, 0, every, TimeUnit.MILLISECONDS);
    }

    private void pass() {
        ConsulAgent agent = discovery.agent();
        try {
            agent.client().agentCheckPass("service:" + instanceId, null, agent.aclToken());
        } catch (RuntimeException e) {
            log.debug("cannot pass the caller check of {}: {}", instanceId, e.getMessage());
            scheduler.execute(this::register); // the agent may have restarted and forgotten it
        }
    }

    private void callersChanged(HealthyNodes callers) {
        CallerPosition now = CallerPosition.among(callers.nodes().stream().map(ServiceNode::instanceId).toList(), instanceId);
        if (Objects.equals(now, position)) {
            return;
        }
        position = now;
        listeners.forEach(Runnable::run);
    }

    @Override
    public synchronized void close() {
        if (!joined) {
            return;
        }
        joined = false;
        if (passing != null) {
            passing.cancel(false);
        }
        try {
            discovery.agent().client().agentServiceDeregister(instanceId, discovery.agent().aclToken());
        } catch (RuntimeException e) {
            log.debug("cannot deregister caller {}: {}; Consul drops it once its TTL runs out", instanceId, e.getMessage());
        }
    }
}
