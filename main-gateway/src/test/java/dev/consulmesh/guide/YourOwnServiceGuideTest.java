package dev.consulmesh.guide;

import dev.consulmesh.testsupport.ProjectPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/your-own-service.md shows the code {@link OrdersGuideIT} runs, and the separate project
 * (examples/inventory) that examples-it's InventoryExampleIT builds and runs: every code block whose fence
 * names a file ({@code ```java file=main-gateway/src/test/java/...}, {@code ```xml file=examples/inventory/pom.xml})
 * appears verbatim in that file, and every file of both examples is quoted. The service description it shows
 * ({@code ```sh description=deploy/services/orders.conf}) is read by deploy/service-descriptions.sh, as
 * deploy.sh and run-local.sh read it.
 */
class YourOwnServiceGuideTest {

    private static final Path GUIDE = ProjectPaths.root().resolve("docs/your-own-service.md");
    private static final Pattern FILE_BLOCK = Pattern.compile("^```\\w+ file=(\\S+)\\n(.*?)^```$",
            Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern DESCRIPTION_BLOCK = Pattern.compile(
            "^```sh description=deploy/services/(\\w+)\\.conf\\n(.*?)^```$", Pattern.MULTILINE | Pattern.DOTALL);
    private static final List<String> EXAMPLE_FOLDERS = List.of(
            "main-gateway/src/test/java/dev/consulmesh/guide/orders",
            "main-gateway/src/test/java/dev/consulmesh/guide/shop",
            "main-gateway/src/test/resources/dev/consulmesh/guide/orders",
            "main-gateway/src/test/resources/dev/consulmesh/guide/shop");
    /** The separate project of the guide's section 5: every file of it, its poms included, is quoted whole. */
    private static final String SEPARATE_PROJECT = "examples/inventory";

    @Test
    void everyBlockNamingAFileIsInThatFile() throws IOException {
        Map<String, List<String>> blocks = fileBlocks();
        assertThat(blocks).isNotEmpty();
        blocks.forEach((file, quoted) -> {
            Path path = ProjectPaths.root().resolve(file);
            assertThat(path).as("%s names %s", GUIDE, file).isRegularFile();
            String source = read(path);
            for (String block : quoted) {
                assertThat(source).as("the block of %s quoting %s", GUIDE, file).contains(block);
            }
        });
    }

    @Test
    void everyFileOfTheExampleIsQuoted() throws IOException {
        Map<String, List<String>> blocks = fileBlocks();
        for (String folder : EXAMPLE_FOLDERS) {
            try (Stream<Path> files = Files.list(ProjectPaths.root().resolve(folder))) {
                files.map(file -> folder + "/" + file.getFileName())
                        .forEach(file -> assertThat(blocks).as("%s quotes %s", GUIDE, file).containsKey(file));
            }
        }
    }

    @Test
    void everyFileOfTheSeparateProjectIsQuotedWhole() throws IOException {
        Map<String, List<String>> blocks = fileBlocks();
        Path project = ProjectPaths.root().resolve(SEPARATE_PROJECT);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(project)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(file -> !project.relativize(file).toString().startsWith("target")
                            && !project.relativize(file).toString().contains("/target/"))
                    .toList();
        }
        assertThat(files).as("the files of %s", project).hasSizeGreaterThanOrEqualTo(10);
        for (Path file : files) {
            String name = ProjectPaths.root().relativize(file).toString();
            assertThat(blocks).as("%s quotes %s", GUIDE, name).containsKey(name);
            assertThat(blocks.get(name)).as("%s quotes %s whole", GUIDE, name).contains(read(file));
        }
    }

    @Test
    void theServiceDescriptionReadsAsDeployShReadsIt(@TempDir Path root) throws Exception {
        Matcher block = DESCRIPTION_BLOCK.matcher(Files.readString(GUIDE));
        assertThat(block.find()).as("%s shows a service description", GUIDE).isTrue();
        String service = block.group(1);
        Files.createDirectories(root.resolve("deploy/services"));
        Files.writeString(root.resolve("deploy/services/" + service + ".conf"), block.group(2));

        Process bash = new ProcessBuilder("bash", "-c", """
                ROOT=$1; . "$2"; load_service "$3" || exit 1
                echo "${service_jar[$3]}|${service_kind[$3]}|${service_port[$3]}|${service_consul_name[$3]}"
                """, "bash", root.toString(), ProjectPaths.root().resolve("deploy/service-descriptions.sh").toString(), service)
                .redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes()).trim();
        assertThat(bash.waitFor()).as("load_service %s: %s", service, output).isZero();
        assertThat(output).isEqualTo(root.resolve("orders/target/orders.jar") + "|tcp|3101|orders");
    }

    private static Map<String, List<String>> fileBlocks() throws IOException {
        Map<String, List<String>> blocks = new LinkedHashMap<>();
        Matcher block = FILE_BLOCK.matcher(Files.readString(GUIDE));
        while (block.find()) {
            blocks.computeIfAbsent(block.group(1), file -> new java.util.ArrayList<>()).add(block.group(2));
        }
        return blocks;
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }
}
