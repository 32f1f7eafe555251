package dev.consulmesh.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A service jar run as its own process, as an operator would run it: {@code java -jar}, its output in
 * a log file, stopped with SIGTERM (a graceful shutdown) and killed only when that does not end it.
 * Tests of failures can also kill it outright (SIGKILL) or freeze it (SIGSTOP) and thaw it (SIGCONT).
 */
public final class JavaProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;
    /** Set between {@link #pause()} and {@link #resume()}: a stopped process would never act on SIGTERM. */
    private volatile boolean paused;

    private JavaProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code java -Xmx256m -jar <jar> <args>}. */
    public static JavaProcess start(String name, Path jar, List<String> args) {
        return start(name, jar, List.of(), args);
    }

    /** Starts {@code java -Xmx256m <jvmOptions> -jar <jar> <args>}, e.g. with {@code -Dio.netty.leakDetection.level=paranoid}. */
    public static JavaProcess start(String name, Path jar, List<String> jvmOptions, List<String> args) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build it first (mvn -DskipTests package)");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        try {
            Path log = Files.createTempFile(name + "-", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
            return new JavaProcess(name, process, log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /**
     * Runs a full garbage collection in the process ({@code jcmd <pid> GC.run}, which calls System.gc()),
     * so what its heap still uses afterwards is what it holds on to.
     */
    public void collectGarbage() {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid()), "GC.run");
        try {
            Process jcmd = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!jcmd.waitFor(30, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " for " + name + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Sends SIGKILL, as a crash or a pulled plug would end it, and waits for the process to be gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " (pid " + pid() + ") still runs 10 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
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

    /** Sends SIGTERM and waits for the process to exit; returns its exit code. */
    public int terminate(long timeoutSeconds) {
        resumeIfPaused();
        process.destroy();
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(name + " did not exit within " + timeoutSeconds + " s of SIGTERM:\n" + logText());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void resumeIfPaused() {
        if (paused && process.isAlive()) {
            resume();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            resumeIfPaused();
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file
        }
    }
}
