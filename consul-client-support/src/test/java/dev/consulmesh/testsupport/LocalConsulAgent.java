package dev.consulmesh.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Consul dev agent for a test: in memory, on loopback, every port free, ready once it has
 * elected itself leader and answers the HTTP API. {@link #close()} ends it (and the JVM's exit does,
 * should a test forget).
 */
public final class LocalConsulAgent implements TestConsul {

    private final Process process;
    private final int httpPort;
    private final Path log;
    private final ConsulHttp http;

    private LocalConsulAgent(Process process, int httpPort, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
        this.http = new ConsulHttp("http://127.0.0.1:" + httpPort);
    }

    public static LocalConsulAgent start() {
        return start(List.of());
    }

    /** Starts a dev agent with extra command-line arguments. */
    public static LocalConsulAgent start(List<String> extraArgs) {
        int[] free = FreePorts.next(4);
        int http = free[0];
        String ports = "ports { http = %d, dns = -1, grpc = -1, grpc_tls = -1, serf_lan = %d, serf_wan = %d, server = %d }"
                .formatted(http, free[1], free[2], free[3]);
        List<String> command = new ArrayList<>(List.of(ConsulBinary.path().toString(), "agent", "-dev",
                "-bind", "127.0.0.1", "-client", "127.0.0.1", "-node", "test-" + http, "-hcl", ports,
                "-log-level", "warn"));
        command.addAll(extraArgs);
        try {
            Path log = Files.createTempFile("consul-agent-" + http, ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            LocalConsulAgent agent = new LocalConsulAgent(process, http, log);
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
            agent.awaitReady(Duration.ofSeconds(60));
            return agent;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start consul: " + e.getMessage(), e);
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

    public long pid() {
        return process.pid();
    }

    @Override
    public ConsulHttp http() {
        return http;
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("consul exited with " + process.exitValue() + " before it was ready:\n" + logText());
            }
            try {
                String leader = http.get("/v1/status/leader");
                if (leader.length() > 2) {
                    http.get("/v1/agent/self");
                    return;
                }
            } catch (IllegalStateException notYet) {
                // not listening yet, or no leader yet
            }
            sleep(100);
        }
        close();
        throw new IllegalStateException("consul was not ready within " + timeout + ":\n" + logText());
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

    @Override
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
