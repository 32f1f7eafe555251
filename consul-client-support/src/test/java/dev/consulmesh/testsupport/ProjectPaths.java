package dev.consulmesh.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds files of the project from a test running in any module. */
public final class ProjectPaths {

    private ProjectPaths() {
    }

    /** The executable jar a service module builds: {@code <module>/target/<module>.jar}. */
    public static Path serviceJar(String module) {
        return root().resolve(module + "/target/" + module + ".jar");
    }

    /** The project's top folder: the nearest folder upwards that holds consul/install.sh. */
    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("consul/install.sh"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the project root (a folder with consul/install.sh) above "
                + Path.of("").toAbsolutePath());
    }
}
