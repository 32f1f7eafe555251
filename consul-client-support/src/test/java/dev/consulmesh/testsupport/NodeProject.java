package dev.consulmesh.testsupport;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Node.js project kept with the tests (a folder with package.json and package-lock.json), for tests
 * that run real Node peers: finds node and npm, installs the locked packages with {@code npm ci} when
 * node_modules is missing or older than the lock file, and runs the project's scripts as
 * {@link LoggedProcess}es.
 *
 * <p>Without node ({@value #MIN_NODE_MAJOR} or later) or npm on the PATH the tests that need them are
 * skipped ({@link #assumeAvailable()}), with a message saying what to install; on CI ({@code CI=true})
 * that is a failure instead, so that CI cannot pass without running them.
 */
public final class NodeProject {

    public static final int MIN_NODE_MAJOR = 20;
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final String nodeVersion;
    private final String unavailable;

    private NodeProject(Path dir, String nodeVersion, String unavailable) {
        this.dir = dir;
        this.nodeVersion = nodeVersion;
        this.unavailable = unavailable;
    }

    /**
     * The project in {@code dir}, after checking that node and npm can run it. Installs nothing yet.
     *
     * @throws IllegalStateException without node or npm on CI ({@code CI=true})
     */
    public static NodeProject at(Path dir) {
        if (!Files.isRegularFile(dir.resolve("package-lock.json"))) {
            throw new IllegalStateException(dir + " is not a Node project with a lock file (no package-lock.json)");
        }
        String node = version("node");
        String problem = null;
        if (node == null) {
            problem = "node is not on the PATH";
        } else if (majorOf(node) < MIN_NODE_MAJOR) {
            problem = "node " + node + " is too old";
        } else if (version("npm") == null) {
            problem = "npm is not on the PATH";
        }
        if (problem == null) {
            return new NodeProject(dir, node, null);
        }
        String message = "tests that run the Node project " + dir + " need Node.js " + MIN_NODE_MAJOR
                + " or later and npm on the PATH: " + problem;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(message + ". On CI (CI=true) this fails instead of skipping.");
        }
        System.err.println("SKIPPED: " + message);
        return new NodeProject(dir, node, message);
    }

    /** Whether node and npm are there; when not, {@link #assumeAvailable()} skips the test. */
    public boolean isAvailable() {
        return unavailable == null;
    }

    /** Skips the calling test, saying what is missing, unless node and npm are there. */
    public void assumeAvailable() {
        if (unavailable != null) {
            Assumptions.abort(unavailable);
        }
    }

    /**
     * Installs the locked packages with {@code npm ci} unless node_modules is up to date.
     *
     * @throws IllegalStateException with npm's log when {@code npm ci} fails
     */
    public NodeProject install() {
        assumeAvailable();
        if (isInstalled()) {
            return this;
        }
        long started = System.nanoTime();
        try (LoggedProcess install = LoggedProcess.start("npm-ci",
                List.of("npm", "ci", "--no-audit", "--no-fund"), dir, Map.of())) {
            int exit = install.awaitExit(INSTALL_TIMEOUT);
            if (exit != 0) {
                throw new IllegalStateException("npm ci in " + dir + " exited with " + exit + " (it needs the npm"
                        + " registry, or a cache that holds the locked packages); its log:\n" + install.logText());
            }
        }
        System.out.printf("npm ci in %s took %d ms%n", dir, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return this;
    }

    public Path dir() {
        return dir;
    }

    /** The version {@code node --version} printed, such as v20.20.2. */
    public String nodeVersion() {
        return nodeVersion;
    }

    /** Starts {@code node <script> <args>} in the project's folder, with variables added to the environment. */
    public LoggedProcess start(String name, String script, List<String> args, Map<String, String> environment) {
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(args);
        return LoggedProcess.start(name, command, dir, environment);
    }

    /**
     * Runs {@code node <script> <args>} to its end.
     *
     * @throws IllegalStateException with its log when it exits with another code than 0 or runs longer than
     *                               {@code timeout}
     */
    public void run(String name, String script, List<String> args, Duration timeout) {
        try (LoggedProcess process = start(name, script, args, Map.of())) {
            int exit = process.awaitExit(timeout);
            if (exit != 0) {
                throw new IllegalStateException(name + " (node " + script + ") exited with " + exit + "; its log:\n"
                        + process.logText());
            }
        }
    }

    /** npm writes node_modules/.package-lock.json last, after every package is in place. */
    private boolean isInstalled() {
        Path installed = dir.resolve("node_modules/.package-lock.json");
        try {
            FileTime installedAt = Files.getLastModifiedTime(installed);
            return installedAt.compareTo(Files.getLastModifiedTime(dir.resolve("package-lock.json"))) >= 0
                    && installedAt.compareTo(Files.getLastModifiedTime(dir.resolve("package.json"))) >= 0;
        } catch (IOException notInstalled) {
            return false;
        }
    }

    /** The first line {@code <tool> --version} prints, or null when the tool cannot be run. */
    private static String version(String tool) {
        try {
            Process process = new ProcessBuilder(tool, "--version")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(VERSION_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return null;
            }
            return out.lines().findFirst().orElse(null);
        } catch (IOException notFound) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + tool + " --version", e);
        }
    }

    private static int majorOf(String version) {
        String digits = version.startsWith("v") ? version.substring(1) : version;
        int dot = digits.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? digits : digits.substring(0, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
