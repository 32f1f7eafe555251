package dev.consulmesh.examples;

import dev.consulmesh.testsupport.LoggedProcess;
import dev.consulmesh.testsupport.ProjectPaths;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Maven runs of their own, as a user's machine makes them: this project's ./mvnw, with a local
 * repository of their own ({@code maven.repo.local}) in front of the one this build reads
 * ({@code maven.repo.local.tail}, read only). What the mesh's build installs lands in the private one, so a
 * consumer built there sees exactly what was installed, whatever the shared repository holds of
 * dev.consulmesh; everything else (Spring Boot, plugins) is read from the shared one, downloaded once.
 */
final class SeparateMavenBuild {

    private static final Duration MAVEN_RUN = Duration.ofMinutes(10);

    private final Path localRepository;
    private final Path sharedRepository;

    SeparateMavenBuild(Path localRepository, Path sharedRepository) {
        this.localRepository = localRepository;
        this.sharedRepository = sharedRepository;
    }

    /** An empty private repository under {@code folder}, in front of {@code sharedRepository}. */
    static SeparateMavenBuild withEmptyRepository(Path folder, Path sharedRepository) {
        deleteRecursively(folder);
        return new SeparateMavenBuild(folder, sharedRepository);
    }

    Path localRepository() {
        return localRepository;
    }

    /** {@code ./mvnw -o -B -ntp <arguments>} in {@code directory}: offline, every dependency must be there already. */
    void runOffline(String name, Path directory, List<String> arguments) {
        run(name, directory, true, arguments);
    }

    /**
     * {@code ./mvnw -B -ntp <arguments>} in {@code directory}, allowed to fetch what neither repository holds: a
     * build that ran {@code package} or {@code verify} only never needed maven-install-plugin, which
     * {@code install:install-file} runs. What it fetches lands in the private repository.
     */
    void runOnline(String name, Path directory, List<String> arguments) {
        run(name, directory, false, arguments);
    }

    /** Fails with Maven's output unless it succeeds. */
    private void run(String name, Path directory, boolean offline, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(ProjectPaths.root().resolve("mvnw").toString(), "-B", "-ntp",
                "-Dmaven.repo.local=" + localRepository, "-Dmaven.repo.local.tail=" + sharedRepository));
        if (offline) {
            command.add("-o");
        }
        command.addAll(arguments);
        try (LoggedProcess maven = LoggedProcess.start(name, command, directory, Map.of())) {
            int exit = maven.awaitExit(MAVEN_RUN);
            if (exit != 0) {
                throw new IllegalStateException(String.join(" ", command) + " in " + directory + " failed (exit " + exit
                        + "):\n" + maven.logText());
            }
        }
    }

    /** Copies {@code source} to {@code target} (emptied first), leaving out build output. */
    static void copyProject(Path source, Path target) {
        deleteRecursively(target);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path relative = source.relativize(file);
                if (isBuildOutput(relative)) {
                    continue;
                }
                Path copy = target.resolve(relative.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + source + " to " + target, e);
        }
    }

    private static boolean isBuildOutput(Path relative) {
        for (Path name : relative) {
            if (name.toString().equals("target")) {
                return true;
            }
        }
        return false;
    }

    private static void deleteRecursively(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty " + folder, e);
        }
    }
}
