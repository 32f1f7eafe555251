package dev.consulmesh.gateway;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.gateway.GatewayLoad.Call;
import dev.consulmesh.testsupport.ConsulBinary;
import dev.consulmesh.testsupport.ProjectPaths;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The mesh on six servers, deployed the way an operator does it: network namespaces make the hosts
 * (three Consul servers; two application servers, each with a Consul client agent and a push-service
 * node; one with the gateway and its client agent), each with its own address and Debian's sshd, and
 * {@code deploy/deploy.sh} installs and starts everything over SSH from an inventory, through the
 * systemd units of {@code deploy/systemd}: {@code consul.service}, and the template
 * {@code mesh-service@.service} for each service role (a systemctl stand-in runs exactly their
 * ExecStart with their EnvironmentFile, since systemd is not PID 1 here). No node is told its address: each registers the
 * default, its host's first non-loopback IPv4 address. Then, under load: a second deployment restarts
 * every Consul agent one at a time, one application server loses its link, and the Consul leader stops.
 *
 * <p>Needs root, iproute2, util-linux, openssh-server and systemd's systemd-analyze; skips without
 * them, except under CI=true where a skip would hide a broken test, so it fails instead.
 */
class MultiHostDeployIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Integer> HOSTS = new LinkedHashMap<>();

    static {
        HOSTS.put("consul-1", 11);
        HOSTS.put("consul-2", 12);
        HOSTS.put("consul-3", 13);
        HOSTS.put("app-1", 21);
        HOSTS.put("app-2", 22);
        HOSTS.put("gateway-1", 31);
    }

    private static final List<String> CONSUL_SERVERS = List.of("consul-1", "consul-2", "consul-3");
    private static final int PUSH_TCP_PORT = 3001;
    private static final int LOAD_THREADS = 4;
    /** JVM flags for the test's small machine (the env files' default is -Xmx256m alone). */
    private static final String JAVA_OPTS = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> report = new ArrayList<>();
    private final long testStart = System.nanoTime();

    @Test
    void deployedOnSixHostsEachNodeRegistersItsHostAndTheMeshSurvivesALostHostAndALostConsulLeader() throws Exception {
        Optional<String> unavailable = NamespacedHosts.unavailableBecause();
        if (unavailable.isPresent()) {
            String why = "the multi-host test cannot make its hosts here: " + unavailable.get();
            if ("true".equals(System.getenv("CI"))) {
                fail(why + " (CI=true: .ci/run installs what it needs; this must run, not skip)");
            }
            Assumptions.abort(why);
        }
        try (NamespacedHosts hosts = timed("hosts made (namespaces, bridge, sshd)", () -> NamespacedHosts.start(HOSTS))) {
            try {
                deployAndCheck(hosts);
            } catch (Throwable failure) {
                note("FAILED: " + failure.getMessage());
                note("unit logs:\n" + hosts.unitLogs(40));
                throw failure;
            }
        } finally {
            note("whole test: %d s", secondsSince(testStart));
            writeReport();
        }
    }

    private void deployAndCheck(NamespacedHosts hosts) throws Exception {
        Path inventory = writeInventory(hosts);
        try {
            anUnknownRoleIsRefusedNamingItsLine(inventory);
            String firstDeploy = runDeployScript(hosts, inventory);
            assertThat(firstDeploy).contains("no Consul leader yet (a new cluster)");
            verifyUnitsWithSystemdAnalyze(hosts);
            processesRunAsTheirUnitsSayWithoutAnAdvertisedHost(hosts);
            eachNodeRegisteredTheAddressOfItsOwnHost(hosts);
            String gateway = "http://" + hosts.address("gateway-1") + ":3000";
            theGatewayServesFromBothNodes(hosts, gateway);
            rollingRestartOfEveryConsulAgentFailsNoCall(hosts, inventory, gateway);
            cuttingAnApplicationHostMovesTheLoadToTheOther(hosts, gateway);
            stoppingTheConsulLeaderKeepsClusterAndGatewayServing(hosts, gateway);
        } finally {
            Files.deleteIfExists(inventory);
        }
    }

    private Path writeInventory(NamespacedHosts hosts) throws IOException {
        StringBuilder inventory = new StringBuilder("# written by MultiHostDeployIT\n");
        HOSTS.keySet().forEach(host -> {
            String role = host.startsWith("consul-") ? "consul-server" : host.startsWith("app-") ? "push-service" : "main-gateway";
            inventory.append(hosts.address(host)).append(' ').append(hosts.address(host)).append(' ').append(role);
            if (!role.equals("consul-server")) {
                // per-host settings through the environment files: JVM flags, a faster Consul check, and round
                // robin: calls one at a time are asserted to reach both nodes (peak-EWMA, the default, sends
                // them to the node that has answered faster); the gateway names the node that answered
                inventory.append(" JAVA_OPTS=\"").append(JAVA_OPTS).append("\" MESH_REGISTRATION_CHECK_INTERVAL=1s")
                        .append(" MESH_CLIENT_STRATEGY=round-robin");
                if (role.equals("main-gateway")) {
                    inventory.append(" GATEWAY_NEWS_EXPOSE_NODE=true");
                }
            }
            inventory.append('\n');
        });
        Path file = Files.createTempFile("multihost-inventory", ".txt");
        Files.writeString(file, inventory);
        return file;
    }

    /** A role with no service description stops deploy.sh before it connects anywhere. */
    private void anUnknownRoleIsRefusedNamingItsLine(Path inventory) throws IOException {
        Path wrong = Files.createTempFile("multihost-inventory-unknown-role", ".txt");
        try {
            Files.writeString(wrong, Files.readString(inventory) + "10.77.0.99 10.77.0.99 orders\n");
            int line = (int) Files.readString(wrong).lines().count();
            NamespacedHosts.Result result = NamespacedHosts.run(Duration.ofSeconds(30),
                    List.of("bash", ProjectPaths.root().resolve("deploy/deploy.sh").toString(), "--plan", wrong.toString()),
                    Map.of());
            assertThat(result.exitCode()).as("deploy.sh --plan with the role 'orders': %s", result.output()).isNotZero();
            assertThat(result.output()).contains(wrong + ":" + line + ": unknown role 'orders'")
                    .contains("deploy/services/orders.conf").contains("main-gateway, push-service");
            note("an inventory line with the undescribed role 'orders' is refused: %s", result.output().strip());
        } finally {
            Files.deleteIfExists(wrong);
        }
    }

    /** Runs deploy/deploy.sh with the inventory over the hosts' SSH; returns its output once it passed. */
    private String runDeployScript(NamespacedHosts hosts, Path inventory, String... options) {
        List<String> deploy = new ArrayList<>(List.of("bash", ProjectPaths.root().resolve("deploy/deploy.sh").toString(),
                "--consul-binary", ConsulBinary.path().toString(), "--timeout", "120"));
        deploy.addAll(List.of(options));
        deploy.add(inventory.toString());
        long start = System.nanoTime();
        NamespacedHosts.Result result = NamespacedHosts.run(Duration.ofSeconds(270), deploy,
                Map.of("DEPLOY_SSH_OPTS", hosts.sshOptions()));
        note("deploy/deploy.sh %s(6 hosts, nodes restarted one at a time): %d s, exit %d", String.join(" ", options) + " ",
                secondsSince(start), result.exitCode());
        result.output().lines().filter(l -> l.contains("installed in") || l.contains("passing after") || l.contains("healthy")
                        || l.contains("new cluster") || l.startsWith("deploy: done"))
                .forEach(l -> note("    %s", l.strip()));
        assertThat(result.exitCode()).as("deploy.sh exit code; its output:%n%s", result.output()).isZero();
        return result.output();
    }

    /** A second deployment restarts the running Consul servers and clients one by one while calls go on. */
    private void rollingRestartOfEveryConsulAgentFailsNoCall(NamespacedHosts hosts, Path inventory, String gateway)
            throws Exception {
        GatewayLoad load = GatewayLoad.start(gateway, LOAD_THREADS, Duration.ofSeconds(200));
        List<Call> calls;
        String output;
        try {
            waitUntil("the load is running", Duration.ofSeconds(10), () -> load.calls().size() >= 10);
            output = runDeployScript(hosts, inventory, "--only", "consul");
        } finally {
            calls = load.stop();
        }
        List<Call> failed = calls.stream().filter(c -> !c.ok()).toList();
        note("rolling restart of the 6 Consul agents under load (%d threads): %d calls, %d failed, answered by %s",
                LOAD_THREADS, calls.size(), failed.size(), calls.stream().map(Call::node).distinct().sorted().toList());
        failed.forEach(c -> note("    failed call: status %d after %d ms: %s", c.status(), c.millis(), c.error()));
        assertThat(output).doesNotContain("new cluster");
        assertThat(output.lines().filter(l -> l.startsWith("deploy: restarting consul on")).count()).isEqualTo(HOSTS.size());
        assertThat(failed).as("calls failed during the rolling restart of Consul").isEmpty();
        waitUntil("both nodes passing again", Duration.ofSeconds(30),
                () -> passingIds(hosts, "consul-1").size() == 2);
    }

    private void verifyUnitsWithSystemdAnalyze(NamespacedHosts hosts) {
        for (String host : HOSTS.keySet()) {
            List<String> units = new ArrayList<>(List.of("/etc/systemd/system/consul.service"));
            // an instance of the template: systemd-analyze loads mesh-service@.service for it
            if (host.startsWith("app-")) {
                units.add("/etc/systemd/system/mesh-service@push-service.service");
            } else if (host.startsWith("gateway-")) {
                units.add("/etc/systemd/system/mesh-service@main-gateway.service");
            }
            List<String> command = new ArrayList<>(List.of("systemd-analyze", "verify"));
            command.addAll(units);
            NamespacedHosts.Result verify = hosts.exec(host, Duration.ofSeconds(30), command.toArray(String[]::new));
            assertThat(verify.exitCode()).as("systemd-analyze verify on %s: %s", host, verify.output()).isZero();
            assertThat(verify.output()).as("systemd-analyze verify on %s", host).isBlank();
        }
        note("systemd-analyze verify: the installed units pass on every host");
    }

    private void processesRunAsTheirUnitsSayWithoutAnAdvertisedHost(NamespacedHosts hosts) throws IOException {
        for (String host : List.of("app-1", "app-2")) {
            long push = hosts.unitPid(host, "mesh-service@push-service");
            String commandLine = String.join(" ", Files.readString(Path.of("/proc", String.valueOf(push), "cmdline"))
                    .split("\0"));
            String environment = Files.readString(Path.of("/proc", String.valueOf(push), "environ"));
            assertThat(commandLine).isEqualTo("/usr/bin/java " + JAVA_OPTS + " -jar /opt/consul-mesh/push-service.jar");
            assertThat(environment).contains("PUSH_TCP_PORT=3001\0").contains("CONSUL_HOST=127.0.0.1\0")
                    .doesNotContain("ADVERTISED");
            long consul = hosts.unitPid(host, "consul");
            String consulLine = String.join(" ", Files.readString(Path.of("/proc", String.valueOf(consul), "cmdline"))
                    .split("\0"));
            assertThat(consulLine).isEqualTo("/usr/local/bin/consul agent -config-dir=/etc/consul.d -bind=" + hosts.address(host));
        }
        long gateway = hosts.unitPid("gateway-1", "mesh-service@main-gateway");
        String gatewayLine = String.join(" ", Files.readString(Path.of("/proc", String.valueOf(gateway), "cmdline")).split("\0"));
        assertThat(gatewayLine).isEqualTo("/usr/bin/java " + JAVA_OPTS + " -jar /opt/consul-mesh/main-gateway.jar");
        assertThat(Files.readString(Path.of("/proc", String.valueOf(gateway), "environ")))
                .contains("SERVER_PORT=3000\0").contains("CONSUL_HOST=127.0.0.1\0").doesNotContain("ADVERTISED");
        note("mesh-service@push-service runs as `/usr/bin/java %s -jar /opt/consul-mesh/push-service.jar`,"
                + " mesh-service@main-gateway the same with main-gateway.jar, with no advertised host anywhere in their"
                + " command lines or environments; each Consul agent with -bind=<its host's address>", JAVA_OPTS);
    }

    private void eachNodeRegisteredTheAddressOfItsOwnHost(NamespacedHosts hosts) throws IOException {
        Map<String, String> addressByNode = new HashMap<>();
        Map<String, String> idByNode = new HashMap<>();
        for (JsonNode entry : JSON.readTree(hosts.get("consul-2", "http://127.0.0.1:8500/v1/catalog/service/push-service"))) {
            addressByNode.put(entry.get("Node").asString(), entry.get("ServiceAddress").asString());
            idByNode.put(entry.get("Node").asString(), entry.get("ServiceID").asString());
            assertThat(entry.get("ServicePort").asInt()).isEqualTo(PUSH_TCP_PORT);
        }
        assertThat(addressByNode).containsOnly(
                Map.entry("app-1", hosts.address("app-1")), Map.entry("app-2", hosts.address("app-2")));
        assertThat(idByNode).containsOnly(
                Map.entry("app-1", nodeId(hosts, "app-1")), Map.entry("app-2", nodeId(hosts, "app-2")));
        JsonNode gateway = JSON.readTree(hosts.get("consul-3", "http://127.0.0.1:8500/v1/catalog/service/main-gateway"));
        assertThat(gateway).hasSize(1);
        assertThat(gateway.get(0).get("Node").asString()).isEqualTo("gateway-1");
        assertThat(gateway.get(0).get("ServiceAddress").asString()).isEqualTo(hosts.address("gateway-1"));
        note("registered (catalog of a Consul server): app-1 -> %s, app-2 -> %s, gateway-1 -> %s",
                idByNode.get("app-1"), idByNode.get("app-2"), gateway.get(0).get("ServiceID").asString());
    }

    private void theGatewayServesFromBothNodes(NamespacedHosts hosts, String gateway) throws Exception {
        Set<String> answeredBy = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gateway + "/fetchLatestNews"))
                    .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("call %d: %s", i, response.body()).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).get("items")).isNotEmpty();
            answeredBy.add(response.headers().firstValue("X-Push-Node").orElseThrow());
        }
        assertThat(answeredBy).containsExactlyInAnyOrder(nodeId(hosts, "app-1"), nodeId(hosts, "app-2"));
        note("gateway at %s: 20 calls answered by both nodes %s", gateway, answeredBy);
    }

    private void cuttingAnApplicationHostMovesTheLoadToTheOther(NamespacedHosts hosts, String gateway) throws Exception {
        String lost = nodeId(hosts, "app-1");
        String kept = nodeId(hosts, "app-2");
        GatewayLoad load = GatewayLoad.start(gateway, LOAD_THREADS, Duration.ofSeconds(90));
        List<Call> calls;
        long cutStart;
        long cutEnd;
        long consulNoticed;
        try {
            waitUntil("the load is running through both nodes", Duration.ofSeconds(20),
                    () -> load.calls().stream().filter(Call::ok).map(Call::node).distinct().count() == 2
                            && load.calls().size() >= 20);
            cutStart = System.nanoTime();
            hosts.link("app-1", false);
            cutEnd = System.nanoTime();
            waitUntil("Consul no longer lists app-1's node as passing", Duration.ofSeconds(60),
                    () -> passingIds(hosts, "consul-1").equals(List.of(kept)));
            consulNoticed = System.nanoTime();
            Thread.sleep(3000);
        } finally {
            calls = load.stop();
        }
        long inFlightAtCut = calls.stream().filter(c -> c.inFlightDuring(cutStart, cutEnd)).count();
        List<Call> failed = calls.stream().filter(c -> !c.ok()).toList();
        List<Call> afterCut = calls.stream().filter(c -> c.startNanos() > cutEnd).toList();
        long lastFromLost = calls.stream().filter(c -> lost.equals(c.node())).mapToLong(Call::endNanos).max().orElse(0);
        long slowest = calls.stream().filter(c -> c.inFlightDuring(cutStart, consulNoticed)).mapToLong(Call::millis).max().orElse(0);
        long overOneSecond = calls.stream().filter(c -> c.endNanos() > cutStart && c.millis() > 1000).count();
        long afterNotice = calls.stream().filter(c -> c.startNanos() > consulNoticed).count();
        note("link of app-1 cut under load (%d threads): %d calls, %d failed, %d in flight at the cut;"
                        + " Consul dropped app-1 from the passing set after %d ms; last answer from app-1 ended %+d ms from the cut;"
                        + " %d calls took over 1 s (waited on app-1, then answered by app-2), slowest %d ms;"
                        + " %d calls after Consul noticed, all by app-2",
                LOAD_THREADS, calls.size(), failed.size(), inFlightAtCut, (consulNoticed - cutEnd) / 1_000_000,
                lastFromLost == 0 ? 0 : (lastFromLost - cutEnd) / 1_000_000, overOneSecond, slowest, afterNotice);
        failed.forEach(c -> note("    failed call: status %d after %d ms: %s", c.status(), c.millis(), c.error()));
        assertThat(failed.size()).as("failed calls (at most the calls in flight at the cut): %s", failed)
                .isLessThanOrEqualTo((int) inFlightAtCut);
        assertThat(afterCut.stream().filter(Call::ok).map(Call::node).distinct().toList())
                .as("nodes that answered calls started after the cut").containsExactly(kept);
        assertThat(afterNotice).as("calls made after Consul noticed").isPositive();
    }

    private void stoppingTheConsulLeaderKeepsClusterAndGatewayServing(NamespacedHosts hosts, String gateway) throws Exception {
        String kept = nodeId(hosts, "app-2");
        String leaderAddress = leader(hosts, "consul-1");
        String leaderHost = hosts.hostOf(leaderAddress.substring(0, leaderAddress.indexOf(':')));
        String other = CONSUL_SERVERS.stream().filter(h -> !h.equals(leaderHost)).findFirst().orElseThrow();
        GatewayLoad load = GatewayLoad.start(gateway, LOAD_THREADS, Duration.ofSeconds(90));
        List<Call> calls;
        long stopped;
        long elected;
        try {
            waitUntil("the load is running", Duration.ofSeconds(10), () -> load.calls().size() >= 10);
            long stopStart = System.nanoTime();
            NamespacedHosts.Result stop = hosts.exec(leaderHost, Duration.ofSeconds(60), "systemctl", "stop", "consul");
            assertThat(stop.exitCode()).as("systemctl stop consul on %s: %s", leaderHost, stop.output()).isZero();
            stopped = System.nanoTime();
            note("Consul leader %s (%s) stopped with systemctl stop consul in %d ms", leaderHost, leaderAddress,
                    (stopped - stopStart) / 1_000_000);
            waitUntil("a new Consul leader", Duration.ofSeconds(60), () -> {
                String now = leader(hosts, other);
                return !now.isEmpty() && !now.equals(leaderAddress);
            });
            elected = System.nanoTime();
            Thread.sleep(3000);
        } finally {
            calls = load.stop();
        }
        String newLeader = leader(hosts, other);
        List<String> fromServers = new ArrayList<>();
        for (String server : CONSUL_SERVERS) {
            if (!server.equals(leaderHost)) {
                fromServers.add(server + ": " + passingIds(hosts, server));
                assertThat(passingIds(hosts, server)).as("passing push-service on %s", server).containsExactly(kept);
            }
        }
        assertThat(passingIds(hosts, "gateway-1")).as("passing push-service through gateway-1's client agent")
                .containsExactly(kept);
        List<Call> failed = calls.stream().filter(c -> !c.ok()).toList();
        note("new Consul leader %s after %d ms; the two servers left answer (%s), so does gateway-1's client agent;"
                        + " the gateway served %d calls meanwhile, %d failed",
                newLeader, (elected - stopped) / 1_000_000, String.join("; ", fromServers), calls.size(), failed.size());
        assertThat(failed).as("calls failed while the Consul leader was away").isEmpty();
        assertThat(calls).as("calls answered while the Consul leader was away").isNotEmpty()
                .allSatisfy(c -> assertThat(c.node()).isEqualTo(kept));
    }

    private static String nodeId(NamespacedHosts hosts, String host) {
        return "push-service-" + hosts.address(host) + "-" + PUSH_TCP_PORT;
    }

    private static String leader(NamespacedHosts hosts, String server) {
        try {
            return JSON.readTree(hosts.get(server, "http://127.0.0.1:8500/v1/status/leader")).asString();
        } catch (RuntimeException noAnswer) {
            return "";
        }
    }

    private static List<String> passingIds(NamespacedHosts hosts, String host) {
        List<String> ids = new ArrayList<>();
        JSON.readTree(hosts.get(host, "http://127.0.0.1:8500/v1/health/service/push-service?passing"))
                .forEach(entry -> ids.add(entry.at("/Service/ID").asString()));
        return ids;
    }

    private static void waitUntil(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit.toSeconds() + " s: " + what);
            }
            Thread.sleep(250);
        }
    }

    private interface Step<T> {
        T run() throws Exception;
    }

    private <T> T timed(String what, Step<T> step) throws Exception {
        long start = System.nanoTime();
        T result = step.run();
        note("%s: %d ms", what, (System.nanoTime() - start) / 1_000_000);
        return result;
    }

    private void note(String format, Object... args) {
        String line = String.format("[%5.1f s] ", (System.nanoTime() - testStart) / 1e9) + String.format(format, args);
        report.add(line);
        System.out.println("MultiHostDeployIT " + line);
    }

    private static long secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000_000;
    }

    /** What was measured, in target/ for CI to show (the test's own output goes to a report file). */
    private void writeReport() throws IOException {
        Path file = Path.of("target", "multi-host-report.txt");
        Files.createDirectories(file.getParent());
        Files.write(file, report, StandardCharsets.UTF_8);
    }
}
