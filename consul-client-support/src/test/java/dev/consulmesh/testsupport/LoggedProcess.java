package dev.consulmesh.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
    private volatile boolean paused;

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

    /** Sends SIGKILL, as a crash or a pulled plug would end it, and waits for the process to be gone. */
    public void kill() {
        process.destroyForcibly();
        if (!waitForExit(Duration.ofSeconds(10))) {
            throw new IllegalStateException(name + " (pid " + pid() + ") still runs 10 s after SIGKILL");
        }
        paused = false;
    }

    /**
     * Sends SIGSTOP: the process stays alive and its sockets stay open (the kernel still accepts
     * connections), but it answers nothing until {@link #resume()}, like a node stuck in a long pause.
     */
    public void pause() {
        signal("STOP");
        paused = true;
    }

    /** Sends SIGCONT to a process {@link #pause() paused} before. */
    public void resume() {
        signal("CONT");
        paused = false;
    }

    private void signal(String signal) {
        List<String> command = List.of("kill", "-" + signal, Long.toString(pid()));
        try {
            Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " for " + name + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + " for " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A stopped process never acts on SIGTERM: it is sent SIGCONT first. */
    private void resumeIfPaused() {
        if (paused && process.isAlive()) {
            resume();
        }
    }

    /** Sends SIGTERM and waits for the process to exit; returns its exit code. */
    public int terminate(long timeoutSeconds) {
        resumeIfPaused();
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
            resumeIfPaused();
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
