package dev.consulmesh.discovery;

import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.QueryParams;
import com.ecwid.consul.v1.Response;
import com.ecwid.consul.v1.health.HealthServicesRequest;
import com.ecwid.consul.v1.health.model.HealthService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Keeps the passing instances of one service current with Consul blocking queries on
 * {@code /v1/health/service/<name>?passing}: each query returns as soon as the answer changes, and the
 * next one waits from the index it returned. Readers take {@link #current()} without waiting. While
 * Consul cannot be reached, the last known set stays current and queries resume with backoff.
 */
public final class HealthyNodesWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthyNodesWatcher.class);

    private final String service;
    private final ConsulClient consul;
    private final String aclToken;
    private final DiscoveryProperties properties;
    private final CompletableFuture<HealthyNodes> firstAnswer = new CompletableFuture<>();
    private final List<Consumer<HealthyNodes>> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile HealthyNodes current;
    private volatile boolean running = true;
    private volatile String consulProblem;

    public HealthyNodesWatcher(String service, ConsulClient consul, String aclToken, DiscoveryProperties properties) {
        this.service = Objects.requireNonNull(service, "service");
        this.consul = consul;
        this.aclToken = aclToken;
        this.properties = properties;
        this.thread = new Thread(this::watch, "consul-watch-" + service);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    public String service() {
        return service;
    }

    /** The latest known set, or null before Consul first answered. */
    public HealthyNodes current() {
        return current;
    }

    /** Completes with the first answer from Consul. */
    public CompletableFuture<HealthyNodes> firstAnswer() {
        return firstAnswer;
    }

    /** Why the last query failed, while Consul cannot be reached; null when it answers. */
    public String consulProblem() {
        return consulProblem;
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
                Response<List<HealthService>> response = consul.getHealthServices(service, HealthServicesRequest.newBuilder()
                        .setPassing(true)
                        .setQueryParams(new QueryParams(properties.getWait().toSeconds(), index))
                        .setToken(aclToken)
                        .build());
                long answeredIndex = response.getConsulIndex() == null ? 0 : response.getConsulIndex();
                // Consul's index may go backwards (e.g. after a restart): start over from 0 then.
                index = answeredIndex < index ? 0 : answeredIndex;
                recovered();
                publish(toNodes(response.getValue()), answeredIndex);
                backoff = properties.getInitialBackoff();
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

    private void publish(List<ServiceNode> nodes, long index) {
        HealthyNodes previous = current;
        if (previous != null && previous.nodes().equals(nodes)) {
            return;
        }
        HealthyNodes next = new HealthyNodes(service, nodes, index, Instant.now());
        current = next;
        log.info("service {}: {} passing instance(s) {}", service, nodes.size(),
                nodes.stream().map(node -> node.instanceId() + "@" + node.address()).toList());
        firstAnswer.complete(next);
        for (Consumer<HealthyNodes> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                log.warn("a listener of service {} failed on a change", service, e);
            }
        }
    }

    private void failed(RuntimeException e) {
        String problem = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (consulProblem == null) {
            HealthyNodes known = current;
            log.warn("cannot query Consul for service {} ({}); {} and retrying with backoff", service, problem,
                    known == null ? "no instances known yet" : "keeping the last " + known.nodes().size() + " known instance(s)");
        }
        consulProblem = problem;
    }

    private void recovered() {
        if (consulProblem != null) {
            log.info("Consul answers again for service {}", service);
            consulProblem = null;
        }
    }

    private List<ServiceNode> toNodes(List<HealthService> entries) {
        List<ServiceNode> nodes = new ArrayList<>();
        if (entries != null) {
            for (HealthService entry : entries) {
                HealthService.Service registered = entry.getService();
                String address = registered.getAddress();
                if (address == null || address.isBlank()) {
                    address = entry.getNode().getAddress();
                }
                nodes.add(new ServiceNode(registered.getId(), registered.getService(), address,
                        registered.getPort() == null ? 0 : registered.getPort(), registered.getMeta()));
            }
        }
        nodes.sort(Comparator.comparing(ServiceNode::instanceId));
        return nodes;
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
