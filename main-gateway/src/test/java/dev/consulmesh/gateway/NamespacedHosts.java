package dev.consulmesh.gateway;

import dev.consulmesh.testsupport.ProjectPaths;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Servers simulated on this machine by {@code main-gateway/src/test/multihost/hosts.sh}: one network
 * namespace per host on a shared bridge, each with its own address, host name, file system view and
 * sshd, reachable from the test over a veth of this run. {@link #close()} ends every process in them
 * and deletes the namespaces and links (and so does the JVM's exit, should a test not get there).
 */
final class NamespacedHosts implements AutoCloseable {

    static final Path SCRIPT = ProjectPaths.root().resolve("main-gateway/src/test/multihost/hosts.sh");

    private final Path runDir;
    private final Map<String, String> addresses;
    private final String sshOptions;
    private final Thread cleanupAtExit;

    private NamespacedHosts(Path runDir, Map<String, String> addresses, String sshOptions) {
        this.runDir = runDir;
        this.addresses = addresses;
        this.sshOptions = sshOptions;
        this.cleanupAtExit = new Thread(this::down);
        Runtime.getRuntime().addShutdownHook(cleanupAtExit);
    }

    /** Why hosts cannot be made on this machine (not root, no ip, no sshd ...), or empty when they can. */
    static Optional<String> unavailableBecause() {
        Result check = run(Duration.ofSeconds(20), List.of("bash", SCRIPT.toString(), "check"));
        return check.exitCode() == 0 ? Optional.empty() : Optional.of(check.output().strip());
    }

    /** Makes the hosts, each named with the last octet of its address; returns once each sshd listens. */
    static NamespacedHosts start(Map<String, Integer> lastOctets) {
        Path runDir;
        try {
            runDir = Files.createTempDirectory("multihost-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString(), "up", runDir.toString()));
        lastOctets.forEach((name, octet) -> command.add(name + "=" + octet));
        Result up = run(Duration.ofSeconds(60), command);
        if (up.exitCode() != 0) {
            throw new IllegalStateException("hosts.sh up failed (" + up.exitCode() + "):\n" + up.output());
        }
        Map<String, String> addresses = new LinkedHashMap<>();
        String sshOptions = null;
        for (String line : up.output().lines().toList()) {
            String[] words = line.split(" ", 3);
            if (words[0].equals("host")) {
                addresses.put(words[1], words[2]);
            } else if (words[0].equals("ssh-options")) {
                sshOptions = line.substring("ssh-options ".length());
            }
        }
        if (sshOptions == null || addresses.size() != lastOctets.size()) {
            throw new IllegalStateException("hosts.sh up printed no hosts or ssh options:\n" + up.output());
        }
        return new NamespacedHosts(runDir, addresses, sshOptions);
    }

    String address(String host) {
        String address = addresses.get(host);
        if (address == null) {
            throw new IllegalArgumentException("no host " + host);
        }
        return address;
    }

    /** The host whose address this is. */
    String hostOf(String address) {
        return addresses.entrySet().stream().filter(e -> e.getValue().equals(address)).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no host has the address " + address));
    }

    /** ssh options that log in as root with this run's key, checking the hosts' keys. */
    String sshOptions() {
        return sshOptions;
    }

    /** Runs a command on the host (its network, mounts and host name), as root. */
    Result exec(String host, Duration timeout, String... command) {
        List<String> full = new ArrayList<>(List.of("bash", SCRIPT.toString(), "exec", runDir.toString(), host));
        full.addAll(List.of(command));
        return run(timeout, full);
    }

    /** GET on the host with curl (e.g. its local Consul agent); the body, or an exception naming what failed. */
    String get(String host, String url) {
        Result result = exec(host, Duration.ofSeconds(15), "curl", "-sS", "-f", "-m", "5", url);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("GET " + url + " on " + host + " failed: " + result.output());
        }
        return result.output();
    }

    /** Plugs the host's cable in or pulls it out: its port on the bridge goes up or down. */
    void link(String host, boolean up) {
        Result result = run(Duration.ofSeconds(10), List.of("bash", SCRIPT.toString(), "link", runDir.toString(), host,
                up ? "up" : "down"));
        if (result.exitCode() != 0) {
            throw new IllegalStateException("link " + host + " failed: " + result.output());
        }
    }

    /** A file as the host sees it (through its first process's root), readable from the test. */
    Path fileOnHost(String host, String path) {
        try {
            String pid = Files.readString(runDir.resolve("hosts").resolve(host).resolve("pid")).strip();
            return Path.of("/proc", pid, "root", path.replaceFirst("^/", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pid of a unit's process on the host, as the systemctl stand-in recorded it. */
    long unitPid(String host, String unit) {
        try {
            return Long.parseLong(Files.readString(fileOnHost(host, "/run/fake-systemd/" + unit + ".pid")).split(" ")[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("no pid of " + unit + " on " + host, e);
        }
    }

    /** The last lines of every unit's output on every host, for a failure's message. */
    String unitLogs(int lines) {
        StringBuilder out = new StringBuilder();
        for (String host : addresses.keySet()) {
            Path dir = fileOnHost(host, "/run/fake-systemd");
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> logs = Files.list(dir)) {
                for (Path log : logs.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                    List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
                    out.append("--- ").append(host).append(": ").append(log.getFileName()).append('\n');
                    all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> out.append(l).append('\n'));
                }
            } catch (IOException e) {
                out.append("--- ").append(host).append(": cannot read logs: ").append(e.getMessage()).append('\n');
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        down();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupAtExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    private synchronized void down() {
        if (Files.isDirectory(runDir)) {
            Result down = run(Duration.ofSeconds(60), List.of("bash", SCRIPT.toString(), "down", runDir.toString()));
            if (down.exitCode() != 0 || !down.output().isBlank()) {
                System.err.println("hosts.sh down (exit " + down.exitCode() + "):\n" + down.output());
            }
        }
    }

    record Result(int exitCode, String output) {
    }

    static Result run(Duration timeout, List<String> command) {
        return run(timeout, command, Map.of());
    }

    /** Runs a command to its end (stdout and stderr together), killing it after the timeout. */
    static Result run(Duration timeout, List<String> command, Map<String, String> extraEnvironment) {
        try {
            Path out = Files.createTempFile("multihost-cmd", ".txt");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                builder.environment().putAll(extraEnvironment);
                Process process = builder.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    return new Result(-1, "timed out after " + timeout + ": " + String.join(" ", command) + "\n"
                            + Files.readString(out));
                }
                return new Result(process.exitValue(), Files.readString(out));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }
}
