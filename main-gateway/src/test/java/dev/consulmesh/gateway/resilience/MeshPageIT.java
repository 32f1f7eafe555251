package dev.consulmesh.gateway.resilience;

import dev.consulmesh.gateway.HeadlessChromium;
import dev.consulmesh.testsupport.ProjectPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's mesh page, looked at in a real browser: a Consul dev agent, two push-service JVMs and the
 * gateway JVM from the built jars under load, and headless Chromium on
 * {@code /actuator/mesh/page} of the gateway's management port. Both nodes show healthy with their call
 * rates; one is killed with SIGKILL and the page shows it ejected with the gateway's diagnosis, while
 * Consul (checking a stand-in, see {@link MeshCluster.Builder#checkedByConsulAtStandIn}) still says
 * passing; started again, it shows healthy. Screenshots go to target/mesh-page/.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MeshPageIT {

    private static final Path SCREENSHOTS = ProjectPaths.root().resolve("main-gateway/target/mesh-page");
    private static final int REQUESTS_PER_SECOND = 40;
    private static final Duration SHOWN_WITHIN = Duration.ofSeconds(30);
    // a restarted JVM takes its start-up, then the gateway's next probe (at most mesh.client.ejection.max-time)
    private static final Duration BACK_WITHIN = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void thePageShowsANodeKilledWithSigkillEjectedWithItsDiagnosisAndHealthyAgainAfterItsRestart() throws Exception {
        try (MeshCluster mesh = MeshCluster.withNodes(2).checkedByConsulAtStandIn(1).start();
             LoadGenerator load = LoadGenerator.against(mesh, REQUESTS_PER_SECOND)) {
            URI page = mesh.gatewayManagementUri("/actuator/mesh/page");
            assertServedOnTheManagementPortOnly(mesh, page);
            HeadlessChromium.assumeInstalled();
            try (HeadlessChromium chromium = HeadlessChromium.start(new Dimension(1400, 560))) {
                watchNodeKilledAndRestarted(mesh, load, chromium, page);
            }
        }
    }

    private static void assertServedOnTheManagementPortOnly(MeshCluster mesh, URI page) throws Exception {
        HttpResponse<String> management = get(page);
        assertThat(management.statusCode()).as("GET %s", page).isEqualTo(200);
        assertThat(management.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/html"));
        // Diagnoses quote what peers and Consul said: the page puts text into text nodes only.
        assertThat(management.body()).contains("createTextNode")
                .doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write");
        assertThat(get(mesh.gatewayManagementUri("/actuator/mesh/other")).statusCode()).isEqualTo(404);

        assertThat(get(mesh.gatewayUri("/actuator/mesh/page")).statusCode()).as("the page on the public port").isEqualTo(404);
        assertThat(get(mesh.gatewayUri("/actuator/mesh")).statusCode()).as("its JSON on the public port").isEqualTo(404);
    }

    private static void watchNodeKilledAndRestarted(MeshCluster mesh, LoadGenerator load, HeadlessChromium chromium, URI page) {
        PushNode survivor = mesh.node(0);
        PushNode victim = mesh.node(1);
        load.startAndAwaitSteady(mesh.nodes());

        chromium.driver().get(page.toString());
        awaitPage(mesh, chromium, "healthy", "both nodes healthy, with calls per second", driver -> {
            for (PushNode node : mesh.nodes()) {
                NodeRow row = NodeRow.find(driver, node).orElseThrow(() -> new AssertionError(node.instanceId() + " not shown"));
                assertThat(row.state()).as("state of %s", node.instanceId()).isEqualTo("healthy");
                assertThat(row.consul()).as("Consul status of %s", node.instanceId()).isEqualTo("passing");
                assertThat(row.callsPerSecond()).as("calls/s of %s", node.instanceId()).isGreaterThan(1.0);
                assertThat(row.p99()).as("p99 of %s", node.instanceId()).endsWith(" ms").isNotEqualTo("0.0 ms");
            }
        });

        victim.kill();
        String closedPort = "port closed on 127.0.0.1:" + victim.tcpPort();
        awaitPage(mesh, chromium, "ejected", victim.instanceId() + " ejected, with its diagnosis", driver -> {
            NodeRow row = NodeRow.find(driver, victim).orElseThrow();
            assertThat(row.state()).as("state of %s", victim.instanceId()).isEqualTo("ejected");
            assertThat(row.diagnosis()).as("diagnosis of %s", victim.instanceId()).contains(closedPort);
            assertThat(row.consul()).as("Consul, checking the stand-in").isEqualTo("passing");
            assertThat(NodeRow.find(driver, survivor).orElseThrow().state()).isEqualTo("healthy");
        });
        // What the page shows is what /actuator/mesh says, as text.
        assertThat(NodeRow.find(chromium.driver(), victim).orElseThrow().diagnosis())
                .isEqualTo(mesh.meshReport().node(victim.instanceId()).orElseThrow().diagnosis());

        victim.startAgain();
        awaitPage(mesh, chromium, "back", victim.instanceId() + " healthy again after its restart", BACK_WITHIN, driver ->
                assertThat(NodeRow.find(driver, victim).orElseThrow().state()).isEqualTo("healthy"));
        load.stop();
    }

    /** Waits until the page shows what {@code check} asserts, then saves {@code <name>.png}; on timeout too. */
    private static void awaitPage(MeshCluster mesh, HeadlessChromium chromium, String name, String what, PageCheck check) {
        awaitPage(mesh, chromium, name, what, SHOWN_WITHIN, check);
    }

    private static void awaitPage(MeshCluster mesh, HeadlessChromium chromium, String name, String what, Duration atMost,
                                  PageCheck check) {
        Path screenshot = SCREENSHOTS.resolve(name + ".png");
        try {
            mesh.await("the mesh page showing " + what, atMost, () -> check.verify(chromium.driver()));
        } finally {
            chromium.screenshot(screenshot);
        }
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @FunctionalInterface
    private interface PageCheck {
        void verify(WebDriver driver);
    }

    /** One node's row on the page, as a person reads it. */
    private record NodeRow(String state, String consul, String diagnosis, double callsPerSecond, String p99) {

        static Optional<NodeRow> find(WebDriver driver, PushNode node) {
            List<WebElement> rows = driver.findElements(
                    By.cssSelector("tr.node[data-instance-id='" + node.instanceId() + "']"));
            if (rows.isEmpty()) {
                return Optional.empty();
            }
            WebElement row = rows.get(0);
            List<WebElement> diagnosis = row.findElements(By.cssSelector("td.diagnosis .diagnosis-text"));
            String rate = row.findElement(By.cssSelector("td.rate")).getText().trim();
            return Optional.of(new NodeRow(
                    row.findElement(By.cssSelector("td.state .badge")).getText().trim(),
                    row.findElement(By.cssSelector("td.consul .badge")).getText().trim(),
                    diagnosis.isEmpty() ? "" : diagnosis.get(0).getText().trim(),
                    rate.matches("[0-9.]+") ? Double.parseDouble(rate) : -1,
                    row.findElement(By.cssSelector("td.p99")).getText().trim()));
        }
    }
}
