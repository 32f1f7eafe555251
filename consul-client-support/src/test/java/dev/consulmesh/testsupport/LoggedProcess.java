package dev.consulmesh.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process a test starts: its output (stdout and stderr together) in a log file, stopped with SIGTERM
 * (a graceful shutdown) and killed only when that does not end it, and killed when the test JVM exits
 * should a test forget it.
 */
public class LoggedProcess implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(50);

    private final String name;
    private final Process process;
    private final Path log;

    /**
     * Starts {@code command}.
     *
     * @param workingDirectory where it runs; {@code null} for the test's own
     * @param environment      variables added to the test's environment
     */
    protected LoggedProcess(String name, List<String> command, Path workingDirectory, Map<String, String> environment) {
        this.name = name;
        try {
            this.log = Files.createTempFile(name + "-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            if (workingDirectory != null) {
                builder.directory(workingDirectory.toFile());
            }
            builder.environment().putAll(environment);
            this.process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + " (" + String.join(" ", command) + "): "
                    + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    }

    public static LoggedProcess start(String name, List<String> command, Path workingDirectory,
                                      Map<String, String> environment) {
        return new LoggedProcess(name, command, workingDirectory, environment);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits for a log line that {@code line} finds something in: the process's own word that it is
     * ready. Fails with the log when the process exits first or the time runs out.
     *
     * @return the match, for what the line says (a port, an id)
     */
    public Matcher awaitLogLine(Pattern line, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean exited = !process.isAlive();
            for (String text : logText().split("\n")) {
                Matcher matcher = line.matcher(text);
                if (matcher.find()) {
                    return matcher;
                }
            }
            if (exited) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before it logged a line"
                        + " matching /" + line + "/; its log:\n" + logText());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " logged no line matching /" + line + "/ within " + timeout
                        + "; its log:\n" + logText());
            }
            waitForExit(POLL);
        }
    }

    /**
     * Waits for the process to end by itself.
     *
     * @return its exit code
     * @throws IllegalStateException with the log, after killing it, when it runs longer than {@code timeout}
     */
    public int awaitExit(Duration timeout) {
        if (!waitForExit(timeout)) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not finish within " + timeout + "; its log:\n" + logText());
        }
        return process.exitValue();
    }

    /** Sends SIGTERM and waits for the process to exit; returns its exit code. */
    public int terminate(long timeoutSeconds) {
        process.destroy();
        if (!waitForExit(Duration.ofSeconds(timeoutSeconds))) {
            process.destroyForcibly();
            waitForExit(Duration.ofSeconds(10));
            throw new IllegalStateException(name + " did not exit within " + timeoutSeconds + " s of SIGTERM:\n" + logText());
        }
        return process.exitValue();
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the process (SIGTERM, then SIGKILL after 20 s) and deletes its log. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            if (!waitForExit(Duration.ofSeconds(20))) {
                process.destroyForcibly();
                waitForExit(Duration.ofSeconds(10));
            }
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file
        }
    }

    private boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
    }
}
