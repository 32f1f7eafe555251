package dev.consulmesh.examples;

import dev.consulmesh.testsupport.FreePorts;
import dev.consulmesh.testsupport.JavaProcess;
import dev.consulmesh.testsupport.ProjectPaths;
import dev.consulmesh.testsupport.StartedResources;
import dev.consulmesh.testsupport.TestConsul;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * examples/inventory, a project of its own that imports only consul-mesh-bom and depends on
 * consul-mesh-spring-boot-starter, built and run as a user would:
 * <ol>
 *   <li>the artifacts this build published (the library, the BOM, the starter: their installed poms, jars,
 *   sources and javadoc) are installed into an empty private local repository, by Maven;</li>
 *   <li>the example is built offline in a Maven run of its own against that repository, so a missing
 *   artifact, or a published pom that still needs this repository's parent, fails its build;</li>
 *   <li>a real Consul agent, two inventory nodes and the storefront run as processes of their own
 *   ({@code java -jar}), on loopback and free ports, and the storefront is called over HTTP: a reservation
 *   answered by a node, an invalid one answered 400 as {@code application/problem+json} naming the field,
 *   and with the nodes stopped 503 as {@code application/problem+json}.</li>
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InventoryExampleIT {

    private static final String VERSION = System.getProperty("consulmesh.version");
    private static final String SPRING_CLOUD_VERSION = System.getProperty("consulmesh.springCloudVersion");
    private static final Path SHARED_REPOSITORY = Path.of(System.getProperty("consulmesh.localRepository"));
    private static final Path BUILD = Path.of("target", "inventory-example").toAbsolutePath();
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern NODE_REGISTERED = Pattern.compile("registered (inventory-127\\.0\\.0\\.1-\\d+) in Consul");
    private static final Pattern STOREFRONT_REGISTERED = Pattern.compile("registered (storefront-\\S+) in Consul");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final StartedResources started = new StartedResources();
    private static TestConsul consul;
    private static JavaProcess firstNode;
    private static JavaProcess secondNode;
    private static URI reservations;
    private static URI prometheus;

    @BeforeAll
    static void buildTheExampleAgainstThePublishedArtifactsAndRunIt() {
        Path project = BUILD.resolve("inventory");
        SeparateMavenBuild maven = SeparateMavenBuild.withEmptyRepository(BUILD.resolve("repository"), SHARED_REPOSITORY);
        long installStart = System.nanoTime();
        installPublishedArtifacts(maven);
        long buildStart = System.nanoTime();
        SeparateMavenBuild.copyProject(ProjectPaths.root().resolve("examples/inventory"), project);
        maven.runOffline("inventory-build", project, List.of("-q", "-DskipTests", "package"));
        System.out.printf("examples/inventory: published artifacts installed into an empty local repository in %d ms,"
                        + " the example built offline against it in %d ms%n",
                (buildStart - installStart) / 1_000_000, (System.nanoTime() - buildStart) / 1_000_000);

        consul = started.add(TestConsul.start());
        int[] ports = FreePorts.next(3);
        firstNode = started.add(startNode(project, "inventory-1", ports[0]));
        secondNode = started.add(startNode(project, "inventory-2", ports[1]));
        Set<String> nodes = Set.of(firstNode.awaitLogLine(NODE_REGISTERED, START).group(1),
                secondNode.awaitLogLine(NODE_REGISTERED, START).group(1));
        awaitPassing("inventory", nodes, firstNode, secondNode);

        JavaProcess storefront = started.add(JavaProcess.start("storefront", project.resolve("storefront/target/storefront.jar"),
                List.of(consulAgent(), consulPort(),
                        "--server.address=127.0.0.1", "--server.port=" + ports[2],
                        "--mesh.registration.advertised-host=127.0.0.1",
                        "--mesh.registration.check-interval=1s")));
        String storefrontId = storefront.awaitLogLine(STOREFRONT_REGISTERED, START).group(1);
        awaitPassing("storefront", Set.of(storefrontId), storefront);
        reservations = URI.create("http://127.0.0.1:" + ports[2] + "/reservations");
        prometheus = URI.create("http://127.0.0.1:" + ports[2] + "/actuator/prometheus");
    }

    /**
     * The library's installed pom, jar, sources and javadoc; the BOM's pom; the starter's pom and jar — the
     * files their modules' builds made, installed by Maven's install-file as a release would deploy them.
     */
    private static void installPublishedArtifacts(SeparateMavenBuild maven) {
        Path root = ProjectPaths.root();
        Path library = root.resolve("consul-client-support/target");
        install(maven, library.resolve("flattened.pom"), library.resolve("consul-client-support-" + VERSION + ".jar"),
                "-Dsources=" + library.resolve("consul-client-support-" + VERSION + "-sources.jar"),
                "-Djavadoc=" + library.resolve("consul-client-support-" + VERSION + "-javadoc.jar"));
        Path bom = root.resolve("consul-mesh-bom/target");
        install(maven, bom.resolve("flattened.pom"), bom.resolve("flattened.pom"));
        Path starter = root.resolve("consul-mesh-spring-boot-starter/target");
        install(maven, starter.resolve("flattened.pom"), starter.resolve("consul-mesh-spring-boot-starter-" + VERSION + ".jar"));

        for (String artifact : List.of("consul-client-support", "consul-mesh-bom", "consul-mesh-spring-boot-starter")) {
            Path pom = maven.localRepository().resolve("dev/consulmesh/" + artifact + "/" + VERSION + "/" + artifact + "-" + VERSION + ".pom");
            assertThat(read(pom)).as("the installed %s names no parent: a separate project resolves it without this repository", pom)
                    .doesNotContain("<parent>")
                    .contains("<licenses>", "Apache-2.0", "<scm", "<url>", "<developers>");
        }
        Path bomPom = maven.localRepository().resolve("dev/consulmesh/consul-mesh-bom/" + VERSION + "/consul-mesh-bom-" + VERSION + ".pom");
        assertThat(read(bomPom)).as("the BOM imports the Spring Cloud release this build uses (spring-cloud.version)")
                .contains("<artifactId>spring-cloud-dependencies</artifactId>\n        <version>" + SPRING_CLOUD_VERSION + "</version>");
    }

    private static void install(SeparateMavenBuild maven, Path pom, Path file, String... attached) {
        List<String> arguments = new java.util.ArrayList<>(List.of("-q", "install:install-file",
                "-DpomFile=" + pom, "-Dfile=" + file));
        arguments.addAll(List.of(attached));
        maven.runOnline("install-" + pom.getParent().getParent().getFileName(), ProjectPaths.root(), arguments);
    }

    /** {@code java -jar inventory-node.jar} on loopback: the one-machine settings of the guide. */
    private static JavaProcess startNode(Path project, String name, int tcpPort) {
        return JavaProcess.start(name, project.resolve("inventory-node/target/inventory-node.jar"), List.of(
                consulAgent(), consulPort(),
                "--mesh.tcp.host=127.0.0.1",
                "--mesh.tcp.advertised-host=127.0.0.1",
                "--mesh.tcp.port=" + tcpPort,
                "--mesh.registration.check-interval=1s"));
    }

    private static String consulAgent() {
        return "--spring.cloud.consul.host=" + consul.host();
    }

    private static String consulPort() {
        return "--spring.cloud.consul.port=" + consul.httpPort();
    }

    @AfterAll
    static void stopEverything() throws Exception {
        started.close();
    }

    @Test
    @Order(1)
    void aReservationIsAnsweredByAnInventoryNode() {
        HttpResponse<String> answer = post("{\"item\":\"tea\",\"quantity\":2}");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode reserved = JSON.readTree(answer.body());
        assertThat(reserved.get("item").asString()).isEqualTo("tea");
        assertThat(reserved.get("quantity").asInt()).isEqualTo(2);
        assertThat(reserved.get("left").asInt()).isEqualTo(998);
    }

    @Test
    @Order(2)
    void theStorefrontServesTheMeshMetricsToPrometheus() {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(prometheus).timeout(WAIT).GET().build());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).as("the storefront's calls to inventory, in Prometheus' text format")
                .contains("mesh_client_call_seconds_count{").contains("service=\"inventory\"");
    }

    @Test
    @Order(3)
    void anInvalidReservationIsAnsweredAsAProblemNamingTheField() {
        HttpResponse<String> answer = post("{\"item\":\"tea\",\"quantity\":0}");

        System.out.printf("an invalid reservation: %d %s%n", answer.statusCode(), answer.body());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("fields")).as(answer.body()).isNotNull();
        assertThat(problem.get("fields").toString()).isEqualTo("[\"quantity\"]");
        assertThat(answer.body()).as("no internal address in the problem").doesNotContain("127.0.0.1");
    }

    @Test
    @Order(4)
    void withTheInventoryNodesStoppedTheStorefrontAnswers503AsAProblem() {
        firstNode.close();
        secondNode.close();

        // Each node left Consul on SIGTERM; the storefront's next view of the service has no node.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> post("{\"item\":\"tea\",\"quantity\":1}").statusCode() == 503);
        HttpResponse<String> answer = post("{\"item\":\"tea\",\"quantity\":1}");
        System.out.printf("no inventory node: %d %s%n", answer.statusCode(), answer.body());
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("service").asString()).isEqualTo("inventory");
    }

    private static HttpResponse<String> post(String json) {
        return send(HttpRequest.newBuilder(reservations).timeout(WAIT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("the storefront at " + request.uri() + " did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Waits until Consul reports exactly {@code ids} passing for {@code service}; fails with the processes' logs. */
    private static void awaitPassing(String service, Set<String> ids, JavaProcess... processes) {
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> passing(service).equals(ids));
        } catch (ConditionTimeoutException e) {
            StringBuilder logs = new StringBuilder();
            for (JavaProcess process : processes) {
                logs.append("\n--- ").append(process.name()).append(":\n").append(process.logText());
            }
            throw new IllegalStateException("Consul reports " + passing(service) + " passing for " + service + ", not " + ids
                    + " within " + WAIT + "; its checks: " + consul.http().get("/v1/health/checks/" + service) + logs, e);
        }
    }

    private static Set<String> passing(String service) {
        Set<String> ids = new TreeSet<>();
        JSON.readTree(consul.http().get("/v1/health/service/" + service + "?passing"))
                .forEach(entry -> ids.add(entry.at("/Service/ID").asString()));
        return ids;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e, e);
        }
    }
}
