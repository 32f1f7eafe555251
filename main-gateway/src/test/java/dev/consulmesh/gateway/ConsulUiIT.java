package dev.consulmesh.gateway;

import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.testsupport.FreePorts;
import dev.consulmesh.testsupport.JavaProcess;
import dev.consulmesh.testsupport.LocalConsulAgent;
import dev.consulmesh.testsupport.ProjectPaths;
import dev.consulmesh.testsupport.StartedResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Consul web UI, looked at in a real browser: a Consul dev agent serving its UI, two push-service
 * JVMs and the gateway JVM from the built jars, and headless Chromium reading the services page and
 * push-service's instances page as a person would see them. Screenshots go to target/consul-ui/.
 */
class ConsulUiIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCREENSHOTS = ProjectPaths.root().resolve("main-gateway/target/consul-ui");
    // The UI is a single-page app that first loads its scripts, then asks the agent; on a busy CI
    // machine that can take a while.
    private static final Duration RENDERED_WITHIN = Duration.ofSeconds(30);

    // Nothing calls the mesh here, so a process that is stopped has no callers to wait for.
    private static final String NOTHING_TO_DRAIN = "--mesh.registration.drain-period=0s";

    private final StartedResources started = new StartedResources();

    @AfterEach
    void stopEverything() throws Exception {
        started.close();
    }

    private <T extends AutoCloseable> T started(T closeable) {
        return started.add(closeable);
    }

    @Test
    void servicesPageListsTheMeshAndInstancesPageShowsBothNodesPassingAtTheirAddresses() {
        HeadlessChromium.assumeInstalled();
        // -dev serves the UI already; -ui says that this test depends on it
        LocalConsulAgent consul = started(LocalConsulAgent.start(List.of("-ui")));
        int[] ports = FreePorts.next(6);
        int tcpA = ports[0];
        int tcpB = ports[1];
        JavaProcess nodeA = pushService(consul, "push-a", tcpA, ports[2]);
        JavaProcess nodeB = pushService(consul, "push-b", tcpB, ports[3]);
        JavaProcess gateway = gateway(consul, ports[4], ports[5]);
        String idA = "push-service-127.0.0.1-" + tcpA;
        String idB = "push-service-127.0.0.1-" + tcpB;

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (JavaProcess process : List.of(nodeA, nodeB, gateway)) {
                assertThat(process.isAlive()).as("%s alive; log:%n%s", process.name(), process.logText()).isTrue();
            }
            assertThat(passingCount(consul, "push-service")).as("passing push-service instances").isEqualTo(2);
            assertThat(passingCount(consul, "main-gateway")).as("passing main-gateway instances").isEqualTo(1);
        });

        try (HeadlessChromium chromium = HeadlessChromium.start(new Dimension(1280, 800))) {
            String ui = consul.http().baseUrl() + "/ui/dc1";

            chromium.driver().get(ui + "/services");
            List<ServiceRow> mesh = List.of(
                    new ServiceRow("push-service", "passing", "2 instances"),
                    new ServiceRow("main-gateway", "passing", "1 instance"));
            List<ServiceRow> services = awaitRows(chromium, "services", By.cssSelector(".consul-service-list li"),
                    ServiceRow::read, rows -> rows.containsAll(mesh));
            assertThat(services).containsAll(mesh);

            chromium.driver().get(ui + "/services/push-service/instances");
            List<String> allPassing = List.of("All service checks passing", "All node checks passing");
            List<InstanceRow> nodes = List.of(
                    new InstanceRow(idA, "127.0.0.1:" + tcpA, allPassing),
                    new InstanceRow(idB, "127.0.0.1:" + tcpB, allPassing));
            List<InstanceRow> instances = awaitRows(chromium, "instances",
                    By.cssSelector(".consul-service-instance-list li"), InstanceRow::read,
                    rows -> rows.size() == 2 && rows.containsAll(nodes));
            assertThat(instances).containsExactlyInAnyOrderElementsOf(nodes);
        }
    }

    /**
     * One service on the services page: its name, its health badge (an icon whose class says the state)
     * and its instance count.
     */
    record ServiceRow(String name, String health, String instances) {

        static ServiceRow read(WebElement row) {
            return new ServiceRow(
                    row.findElement(By.cssSelector(".header a")).getText().trim(),
                    row.findElement(By.cssSelector(".header dl")).getDomAttribute("class"),
                    row.findElement(By.cssSelector(".detail")).getText().trim());
        }
    }

    /**
     * One instance on a service's instances page: its id, the address:port it shows, and the summaries
     * of its checks (the service's, then its node's).
     */
    record InstanceRow(String id, String address, List<String> checks) {

        static InstanceRow read(WebElement row) {
            return new InstanceRow(
                    row.findElement(By.cssSelector(".header a")).getText().trim(),
                    row.findElement(By.cssSelector("dl.address dd")).getText().trim(),
                    row.findElements(By.cssSelector("dl.consul-instance-checks")).stream()
                            .map(checks -> checks.getText().trim())
                            .toList());
        }
    }

    /**
     * Waits until the rows the page shows satisfy {@code done}, then saves a screenshot as
     * {@code <name>.png}; on timeout saves it all the same and fails with the rows it saw last.
     * The list is virtual: it also holds an empty spacer item, which is skipped.
     */
    private static <R> List<R> awaitRows(HeadlessChromium chromium, String name, By rows,
                                         Function<WebElement, R> read, Predicate<List<R>> done) {
        Path screenshot = SCREENSHOTS.resolve(name + ".png");
        AtomicReference<List<R>> lastSeen = new AtomicReference<>(List.of());
        WebDriverWait wait = new WebDriverWait(chromium.driver(), RENDERED_WITHIN, Duration.ofMillis(200));
        wait.ignoring(StaleElementReferenceException.class);
        try {
            List<R> shown = wait.until(driver -> {
                List<R> seen = driver.findElements(rows).stream()
                        .filter(row -> !row.findElements(By.cssSelector(".header")).isEmpty())
                        .map(read)
                        .toList();
                lastSeen.set(seen);
                return done.test(seen) ? seen : null;
            });
            chromium.screenshot(screenshot);
            return shown;
        } catch (TimeoutException e) {
            chromium.screenshot(screenshot);
            throw new AssertionError("the Consul UI's " + name + " page at " + chromium.driver().getCurrentUrl()
                    + " did not show what was expected within " + RENDERED_WITHIN.toSeconds() + " s; it showed "
                    + lastSeen.get() + " (screenshot: " + screenshot + ")", e);
        }
    }

    private static Path jar(String module) {
        return ProjectPaths.root().resolve(module + "/target/" + module + ".jar");
    }

    private JavaProcess pushService(LocalConsulAgent consul, String name, int tcpPort, int httpPort) {
        return started(JavaProcess.start(name, jar("push-service"), List.of(
                "--spring.cloud.consul.host=" + consul.host(),
                "--spring.cloud.consul.port=" + consul.httpPort(),
                "--server.port=" + httpPort,
                "--push.tcp.host=127.0.0.1",
                "--push.tcp.port=" + tcpPort,
                "--push.tcp.advertised-host=127.0.0.1",
                "--mesh.registration.check-interval=1s",
                NOTHING_TO_DRAIN)));
    }

    private JavaProcess gateway(LocalConsulAgent consul, int port, int managementPort) {
        return started(JavaProcess.start("gateway", jar("main-gateway"), List.of(
                "--spring.cloud.consul.host=" + consul.host(),
                "--spring.cloud.consul.port=" + consul.httpPort(),
                "--server.address=127.0.0.1",
                "--server.port=" + port,
                "--management.server.address=127.0.0.1",
                "--management.server.port=" + managementPort,
                "--mesh.registration.advertised-host=127.0.0.1",
                "--mesh.registration.check-interval=1s",
                NOTHING_TO_DRAIN)));
    }

    private static int passingCount(LocalConsulAgent consul, String service) throws Exception {
        return JSON.readTree(consul.http().get("/v1/health/service/" + service + "?passing")).size();
    }
}
