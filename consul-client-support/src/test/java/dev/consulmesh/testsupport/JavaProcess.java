package dev.consulmesh.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service jar run as its own process, as an operator would run it: {@code java -jar}, its output in
 * a log file, stopped with SIGTERM (a graceful shutdown) and killed only when that does not end it.
 */
public final class JavaProcess extends LoggedProcess {

    private JavaProcess(String name, List<String> command) {
        this(name, command, Map.of());
    }

    private JavaProcess(String name, List<String> command, Map<String, String> environment) {
        super(name, command, null, environment);
    }

    /** Starts {@code java -Xmx256m -jar <jar> <args>}. */
    public static JavaProcess start(String name, Path jar, List<String> args) {
        return start(name, jar, List.of(), args);
    }

    /** Starts {@code java -Xmx256m <jvmOptions> -jar <jar> <args>}, e.g. with {@code -Dio.netty.leakDetection.level=paranoid}. */
    public static JavaProcess start(String name, Path jar, List<String> jvmOptions, List<String> args) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build it first (./mvnw -DskipTests package)");
        }
        List<String> command = javaCommand(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        return new JavaProcess(name, command);
    }

    /**
     * Starts {@code java -Xmx256m -cp <this JVM's classpath> <mainClass> <args>}: an application of the
     * test sources run as its own process, without a jar. (Surefire and failsafe set {@code java.class.path}
     * to the test classpath even when they start the JVM from a manifest-only jar.)
     */
    public static JavaProcess startMain(String name, Class<?> mainClass, List<String> args) {
        return startMain(name, mainClass, Map.of(), args);
    }

    /** As {@link #startMain(String, Class, List)}, with {@code environment} added to the test's own. */
    public static JavaProcess startMain(String name, Class<?> mainClass, Map<String, String> environment, List<String> args) {
        List<String> command = javaCommand(List.of());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(args);
        return new JavaProcess(name, command, environment);
    }

    /**
     * The warm-up before readiness of a process the tests start: short, since they test what it does, not
     * how fast it starts (WarmUpBeforeRegistrationConsulTest and NewsRouteWarmUpConsulTest test the warm-up,
     * bench/warmstart measures it). A system property: a test's own {@code --mesh.warm-up.*} argument wins.
     */
    static final String WARM_UP = "-Dmesh.warm-up.max-duration=2s";

    private static List<String> javaCommand(List<String> jvmOptions) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", WARM_UP));
        command.addAll(jvmOptions);
        return command;
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
                throw new IllegalStateException(String.join(" ", command) + " for " + name() + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
