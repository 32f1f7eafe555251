package dev.consulmesh.gateway.resilience;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.testsupport.FreePorts;
import dev.consulmesh.testsupport.JavaProcess;
import dev.consulmesh.testsupport.LocalConsulAgent;
import dev.consulmesh.testsupport.ProjectPaths;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.awaitility.core.ThrowingRunnable;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole mesh as real processes on loopback, for tests that break parts of it: a Consul dev agent,
 * push-service JVMs and one gateway JVM, all from the built jars and on free ports. {@link Builder#start()}
 * returns once it really serves: every node passing in Consul, the gateway UP and listing every node
 * as healthy. {@link #close()} ends everything, in reverse order of start, whatever failed before.
 */
final class MeshCluster implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final int LOG_LINES_SHOWN = 120;

    private final LocalConsulAgent consul;
    private final List<PushNode> nodes = new ArrayList<>();
    private final List<ConsulCheckStandIn> standIns = new ArrayList<>();
    private JavaProcess gateway;
    private int gatewayPort;
    private int managementPort;
    private Actuator gatewayManagement;
    private Duration startupTime;

    private MeshCluster(LocalConsulAgent consul) {
        this.consul = consul;
    }

    static Builder withNodes(int count) {
        return new Builder(count);
    }

    static final class Builder {

        private final int nodeCount;
        private final List<String> gatewayArgs = new ArrayList<>();
        private final Map<Integer, String> advertisedHosts = new HashMap<>();
        private final Set<Integer> checkedAtStandIn = new TreeSet<>();

        private Builder(int nodeCount) {
            this.nodeCount = nodeCount;
        }

        /** Extra command-line arguments of the gateway, e.g. {@code --mesh.client.attempt-timeout=1s}. */
        Builder gatewayArgs(String... args) {
            gatewayArgs.addAll(Arrays.asList(args));
            return this;
        }

        /**
         * Node {@code index} still listens on 127.0.0.1 but registers {@code host} in Consul, whose TCP check
         * goes to 127.0.0.1 and passes: a node Consul calls healthy that callers cannot reach. Start-up then
         * waits for it to pass in Consul only.
         */
        Builder registeringUnreachableAddress(int index, String host) {
            advertisedHosts.put(index, host);
            return this;
        }

        /**
         * Consul's check of node {@code index} goes to a {@link ConsulCheckStandIn} at the node's port, which
         * stays open whatever happens to the node: Consul lists it passing throughout, as it does in
         * production between two checks, so a test sees what the gateway alone makes of a dead node.
         */
        Builder checkedByConsulAtStandIn(int index) {
            checkedAtStandIn.add(index);
            return this;
        }

        MeshCluster start() {
            long begin = System.nanoTime();
            MeshCluster cluster = new MeshCluster(LocalConsulAgent.start());
            try {
                cluster.launch(this);
                cluster.awaitReady();
                cluster.startupTime = Duration.ofNanos(System.nanoTime() - begin);
                return cluster;
            } catch (RuntimeException | Error e) {
                try {
                    cluster.close();
                } catch (RuntimeException closeFailure) {
                    e.addSuppressed(closeFailure);
                }
                throw e;
            }
        }
    }

    /** Starts every JVM at once (they start in parallel) on ports picked together, so none is handed out twice. */
    private void launch(Builder spec) {
        int[] ports = FreePorts.next(2 * spec.nodeCount + 2);
        for (int i = 0; i < spec.nodeCount; i++) {
            String advertised = spec.advertisedHosts.getOrDefault(i, PushNode.LISTEN_HOST);
            String checkHost = PushNode.LISTEN_HOST; // where the node listens, even when it registers elsewhere
            if (spec.checkedAtStandIn.contains(i)) {
                ConsulCheckStandIn standIn = ConsulCheckStandIn.open(ports[2 * i]);
                standIns.add(standIn);
                checkHost = standIn.host();
            }
            nodes.add(PushNode.start("push-" + i, consul.httpPort(), ports[2 * i], ports[2 * i + 1], advertised, checkHost));
        }
        gatewayPort = ports[2 * spec.nodeCount];
        managementPort = ports[2 * spec.nodeCount + 1];
        List<String> args = new ArrayList<>(List.of(
                "--spring.cloud.consul.host=127.0.0.1",
                "--spring.cloud.consul.port=" + consul.httpPort(),
                "--server.port=" + gatewayPort,
                "--server.address=127.0.0.1",
                "--management.server.port=" + managementPort,
                "--management.server.address=127.0.0.1",
                "--gateway.news.expose-node=true",  // LoadGenerator counts answers per node
                // These scenarios assert that every node serves, with or without load: round robin gives each
                // node its turn, where peak-EWMA (the default) sends a node whose first answers were a cold
                // JVM's few calls until its latency fades.
                "--mesh.client.strategy=round-robin",
                "--mesh.registration.advertised-host=127.0.0.1",
                "--mesh.registration.check-interval=1s"));
        args.addAll(spec.gatewayArgs);
        gateway = JavaProcess.start("gateway", ProjectPaths.serviceJar("main-gateway"), args);
        gatewayManagement = new Actuator("the gateway's management port (127.0.0.1:" + managementPort + ")", managementPort);
    }

    private void awaitReady() {
        await("every node passing in Consul and the gateway's health UP", STARTUP, () -> {
            assertThat(passingNodeIds()).containsAll(nodeIds());
            assertThat(gatewayManagement.healthStatus()).as("gateway health").isEqualTo("UP");
        });
        try {
            gatewayManagement.requireEndpoint("mesh");
        } catch (IllegalStateException e) {
            throw new AssertionError(e.getMessage() + "\n" + logs(), e);
        }
        await("the gateway's /actuator/mesh listing as healthy every node that answers where it is registered", STARTUP, () -> {
            MeshReport report = meshReport();
            for (PushNode node : nodes) {
                if (node.answersWhereRegistered()) {
                    assertThat(report.node(node.instanceId()).map(MeshReport.Node::state))
                            .as("state of %s in %s", node.instanceId(), report).hasValue("healthy");
                }
            }
        });
    }

    /** From starting Consul until every process was ready. */
    Duration startupTime() {
        return startupTime;
    }

    LocalConsulAgent consul() {
        return consul;
    }

    PushNode node(int index) {
        return nodes.get(index);
    }

    List<PushNode> nodes() {
        return List.copyOf(nodes);
    }

    /** The instance ids of every node, as registered in Consul. */
    List<String> nodeIds() {
        return nodes.stream().map(PushNode::instanceId).toList();
    }

    URI gatewayUri(String path) {
        return URI.create("http://127.0.0.1:" + gatewayPort + path);
    }

    /** On the gateway's management port, e.g. {@code /actuator/mesh/page}. */
    URI gatewayManagementUri(String path) {
        return URI.create("http://127.0.0.1:" + managementPort + path);
    }

    Actuator gatewayManagement() {
        return gatewayManagement;
    }

    /** The gateway's view of the push-service nodes. */
    MeshReport meshReport() {
        return gatewayManagement.mesh(PushNode.SERVICE);
    }

    /** Instance ids of the push-service nodes whose checks pass in Consul right now. */
    Set<String> passingNodeIds() throws IOException {
        Set<String> ids = new TreeSet<>();
        for (JsonNode entry : JSON.readTree(consul.http().get("/v1/health/service/" + PushNode.SERVICE + "?passing"))) {
            ids.add(entry.at("/Service/ID").asString());
        }
        return ids;
    }

    /**
     * Waits, polling, until {@code check} passes, and returns how long that took. Fails at once when a
     * process of the mesh exits on its own, and with every process's log when the time is up.
     */
    Duration await(String what, Duration atMost, ThrowingRunnable check) {
        long start = System.nanoTime();
        try {
            Awaitility.await(what).atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .failFast("a process of the mesh exited on its own", () -> !exitedUnexpectedly().isEmpty())
                    .untilAsserted(check);
            return Duration.ofNanos(System.nanoTime() - start);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            String exited = exitedUnexpectedly().isEmpty() ? "" : " (exited on its own: " + exitedUnexpectedly() + ")";
            // Awaitility names the last failed check only in the cause; its own message may end in "null".
            Throwable lastCheck = e.getCause() != null ? e.getCause() : e;
            throw new AssertionError("not the case within " + atMost + ": " + what + exited + "\nlast check: "
                    + lastCheck.getMessage() + "\n" + logs(), e);
        }
    }

    private List<String> exitedUnexpectedly() {
        List<String> exited = new ArrayList<>();
        nodes.stream().filter(PushNode::exitedUnexpectedly).forEach(node -> exited.add(node.name()));
        if (gateway != null && !gateway.isAlive()) {
            exited.add(gateway.name());
        }
        return exited;
    }

    /** The last lines of every process's output, for failure messages. */
    String logs() {
        StringBuilder text = new StringBuilder();
        if (gateway != null) {
            appendTail(text, "gateway", gateway.logText());
        }
        for (PushNode node : nodes) {
            appendTail(text, node.name() + " (" + node.instanceId() + ")", node.logText());
        }
        appendTail(text, "consul", consul.logText());
        return text.toString();
    }

    private static void appendTail(StringBuilder text, String name, String log) {
        List<String> lines = log.lines().toList();
        List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_LINES_SHOWN), lines.size());
        text.append("===== ").append(name).append(", last ").append(tail.size()).append(" of ").append(lines.size())
                .append(" log lines =====\n");
        tail.forEach(line -> text.append(line).append('\n'));
    }

    @Override
    public void close() {
        List<AutoCloseable> started = new ArrayList<>();
        started.add(consul);
        started.addAll(standIns);
        started.addAll(nodes);
        if (gateway != null) {
            started.add(gateway);
        }
        RuntimeException failure = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("could not end every process of the mesh");
                }
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
