package dev.consulmesh.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A service jar run as its own process, as an operator would run it: {@code java -jar}, its output in
 * a log file, stopped with SIGTERM (a graceful shutdown) and killed only when that does not end it.
 */
public final class JavaProcess extends LoggedProcess {

    private JavaProcess(String name, List<String> command) {
        super(name, command, null, Map.of());
    }

    /** Starts {@code java -Xmx256m -jar <jar> <args>}. */
    public static JavaProcess start(String name, Path jar, List<String> args) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build it first (mvn -DskipTests package)");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        command.addAll(args);
        return new JavaProcess(name, command);
    }
}
