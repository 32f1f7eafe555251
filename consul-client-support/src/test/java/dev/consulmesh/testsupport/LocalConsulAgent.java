package dev.consulmesh.testsupport;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Consul dev agent for a test: in memory, on loopback, every port free, ready once it has
 * elected itself leader and answers the HTTP API. {@link #close()} ends it (and the JVM's exit does,
 * should a test forget). A test of an outage can {@link #stop()} it and {@link #startAgain()} it on the
 * same ports; being a dev agent it keeps nothing, so it comes back empty, as a Consul that lost its data.
 * <p>
 * {@link #startWithAcls()} starts one that enforces ACLs and denies by default; the test bootstraps its
 * management token through the ACL API (the agent generates it; it lives in memory only), gives the
 * agent its own agent token as a real deployment must, and creates the policies and tokens it needs
 * with {@link #createToken}.
 */
public final class LocalConsulAgent implements TestConsul {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final String ACLS = "acl { enabled = true, default_policy = \"deny\", enable_token_persistence = false }";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger POLICIES = new AtomicInteger();

    private final List<String> command;
    private final String nodeName;
    private final int httpPort;
    private int serfWanPort;
    private final Path log;
    private final boolean acls;
    private final ConsulHttp anonymous;
    private volatile ConsulHttp http;
    private volatile String managementToken;
    private volatile Process process;

    private LocalConsulAgent(List<String> command, int httpPort, Path log, boolean acls) {
        this.command = command;
        this.nodeName = nodeName(httpPort);
        this.httpPort = httpPort;
        this.log = log;
        this.acls = acls;
        this.anonymous = new ConsulHttp("http://127.0.0.1:" + httpPort);
        this.http = anonymous;
    }

    public static LocalConsulAgent start() {
        return start(List.of());
    }

    private static String nodeName(int httpPort) {
        return "test-" + httpPort;
    }

    /** Starts a dev agent with extra command-line arguments. */
    public static LocalConsulAgent start(List<String> extraArgs) {
        return start(extraArgs, false);
    }

    /**
     * Starts a dev agent with ACLs enabled and a default policy of deny, and bootstraps its management
     * token: {@link #http()} calls with it. The agent gets an agent token (node:write on itself,
     * service_prefix "" read): without one it cannot update the catalog for its node, and services
     * deregistered through it would stay in the catalog. Being a dev agent, a {@link #startAgain()}
     * forgets every token and policy; both tokens are made again.
     */
    public static LocalConsulAgent startWithAcls() {
        return start(List.of("-hcl", ACLS), true);
    }

    private static LocalConsulAgent start(List<String> extraArgs, boolean acls) {
        int[] free = FreePorts.next(4);
        int http = free[0];
        String ports = "ports { http = %d, dns = -1, grpc = -1, grpc_tls = -1, serf_lan = %d, serf_wan = %d, server = %d }"
                .formatted(http, free[1], free[2], free[3]);
        List<String> command = new ArrayList<>(List.of(ConsulBinary.path().toString(), "agent", "-dev",
                "-bind", "127.0.0.1", "-client", "127.0.0.1", "-node", nodeName(http), "-hcl", ports,
                "-log-level", "warn"));
        command.addAll(extraArgs);
        try {
            LocalConsulAgent agent = new LocalConsulAgent(List.copyOf(command), http,
                    Files.createTempFile("consul-agent-" + http, ".log"), acls);
            agent.serfWanPort = free[2];
            Runtime.getRuntime().addShutdownHook(new Thread(agent::killQuietly));
            agent.launch();
            return agent;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start consul: " + e.getMessage(), e);
        }
    }

    /**
     * Starts the agent again with the same command, so on the same ports, after {@link #stop()} or
     * {@link #kill()}, and waits until it is ready again.
     */
    public void startAgain() {
        if (process.isAlive()) {
            throw new IllegalStateException("the consul agent on 127.0.0.1:" + httpPort
                    + " still runs: stop() or kill() it before startAgain()");
        }
        launch();
    }

    private void launch() {
        managementToken = null;
        http = anonymous;
        try {
            // Appending keeps every run's output in one log, so a failure shows what each run said.
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start consul: " + e.getMessage(), e);
        }
        awaitReady(READY_TIMEOUT);
        if (acls) {
            String agentToken = createToken("agent " + nodeName, """
                    node "%s" { policy = "write" }
                    service_prefix "" { policy = "read" }""".formatted(nodeName));
            http.put("/v1/agent/token/agent", JSON.createObjectNode().put("Token", agentToken).toString());
        }
    }

    @Override
    public int httpPort() {
        return httpPort;
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    /** The agent's Serf WAN port, for another datacenter's agent to join it ({@link #joinWan}). */
    public int serfWanPort() {
        return serfWanPort;
    }

    /** Joins this agent's datacenter to the other agent's over the WAN, as {@code consul join -wan} does. */
    public void joinWan(LocalConsulAgent other) {
        http.put("/v1/agent/join/127.0.0.1:" + other.serfWanPort() + "?wan=1", null);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The agent's API; with the management token on an agent that enforces ACLs. */
    @Override
    public ConsulHttp http() {
        return http;
    }

    /** The management token bootstrapped by {@link #startWithAcls()}. */
    public String managementToken() {
        if (!acls) {
            throw new IllegalStateException("this agent does not enforce ACLs: start it with startWithAcls()");
        }
        return managementToken;
    }

    /**
     * Creates a policy with these rules (HCL) and a token with that policy; returns the token's secret.
     *
     * @param name describes the token and names the policy (made unique, and kept to the characters Consul
     *             allows in policy names)
     */
    public String createToken(String name, String rules) {
        managementToken();
        String policyName = name.replaceAll("[^A-Za-z0-9_-]+", "-") + "-" + POLICIES.incrementAndGet();
        ObjectNode policy = JSON.createObjectNode().put("Name", policyName).put("Rules", rules);
        String policyId = json(http.put("/v1/acl/policy", policy.toString())).get("ID").asString();
        ObjectNode token = JSON.createObjectNode().put("Description", name);
        token.putArray("Policies").addObject().put("ID", policyId);
        return json(http.put("/v1/acl/token", token.toString())).get("SecretID").asString();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (tools.jackson.core.JacksonException e) {
            throw new IllegalStateException("Consul answered with something that is not JSON: " + text, e);
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("consul (HTTP 127.0.0.1:" + httpPort + ") exited with " + process.exitValue()
                        + " before it was ready; its log:\n" + logText());
            }
            try {
                String leader = anonymous.get("/v1/status/leader");
                if (leader.length() > 2) {
                    if (acls && managementToken == null) {
                        managementToken = json(anonymous.put("/v1/acl/bootstrap", null)).get("SecretID").asString();
                        http = anonymous.withToken(managementToken);
                    }
                    http.get("/v1/agent/self");
                    return;
                }
            } catch (IllegalStateException notYet) {
                // not listening yet, no leader yet, or its ACL system not ready to bootstrap yet
            }
            sleep(100);
        }
        String output = logText();
        close();
        throw new IllegalStateException("consul was not ready within " + timeout + ":\n" + output);
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Ends the agent gracefully (SIGTERM) and waits until it is gone, so its ports are free again. */
    public void stop() {
        process.destroy();
        awaitExit("SIGTERM");
    }

    @Override
    public void kill() {
        process.destroyForcibly();
        awaitExit("SIGKILL");
    }

    private void awaitExit(String signal) {
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException("the consul agent on 127.0.0.1:" + httpPort + " did not exit within 10 s of "
                        + signal + ":\n" + logText());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void killQuietly() {
        Process current = process;
        if (current != null) {
            current.destroyForcibly();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } catch (IOException ignored) {
            // the log is a temp file
        }
    }
}
