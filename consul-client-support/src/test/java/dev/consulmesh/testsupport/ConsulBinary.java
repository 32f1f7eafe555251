package dev.consulmesh.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The consul binary that consul/install.sh provides (building it once when needed). */
public final class ConsulBinary {

    private static Path cached;

    private ConsulBinary() {
    }

    public static synchronized Path path() {
        if (cached == null) {
            cached = runInstallScript();
        }
        return cached;
    }

    private static Path runInstallScript() {
        Path script = ProjectPaths.root().resolve("consul/install.sh");
        try {
            Path log = Files.createTempFile("consul-install", ".log");
            Process process = new ProcessBuilder("bash", script.toString())
                    .redirectError(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("consul/install.sh failed; its log:\n" + Files.readString(log));
            }
            List<String> lines = out.lines().filter(line -> !line.isBlank()).toList();
            if (lines.isEmpty()) {
                throw new IllegalStateException("consul/install.sh printed no path; its log:\n" + Files.readString(log));
            }
            Path binary = Path.of(lines.get(lines.size() - 1).trim());
            Files.deleteIfExists(log);
            return binary;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
    }
}
