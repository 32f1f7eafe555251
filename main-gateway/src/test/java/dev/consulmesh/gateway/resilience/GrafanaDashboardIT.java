package dev.consulmesh.gateway.resilience;

import dev.consulmesh.testsupport.ProjectPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/grafana/mesh-dashboard.json against the metrics a running mesh exposes: a Consul dev agent, one
 * push-service JVM and the gateway JVM from the built jars, a few calls through the gateway, then every
 * metric named in every query of the dashboard must be among the samples of the gateway's or the
 * node's {@code /actuator/prometheus}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GrafanaDashboardIT {

    private static final Path DASHBOARD = ProjectPaths.root().resolve("deploy/grafana/mesh-dashboard.json");
    private static final int CALLS = 20;

    @Test
    void everyMetricTheDashboardQueriesIsExposedByTheGatewayOrANode() throws Exception {
        Map<String, Set<String>> metricsByPanel = metricsByPanel(new ObjectMapper().readTree(Files.readString(DASHBOARD)));
        Set<String> queried = new TreeSet<>();
        metricsByPanel.values().forEach(queried::addAll);
        assertThat(queried).as("metrics the dashboard queries").contains("mesh_client_requests_total",
                "mesh_client_call_seconds_bucket", "mesh_server_handler_seconds_bucket",
                "mesh_client_ejections_total", "mesh_tcp_server_connections", "mesh_tcp_limits_total");

        try (MeshCluster mesh = MeshCluster.withNodes(1).start()) {
            callThroughTheGateway(mesh);
            Set<String> exposed = new TreeSet<>(mesh.gatewayManagement().prometheusSampleNames());
            exposed.addAll(mesh.node(0).actuator().prometheusSampleNames());

            List<String> missing = new ArrayList<>();
            metricsByPanel.forEach((panel, metrics) -> metrics.stream().filter(metric -> !exposed.contains(metric))
                    .forEach(metric -> missing.add(metric + " (" + panel + ")")));
            assertThat(missing).as("metrics the dashboard queries that neither the gateway nor the node exposes;"
                    + " they expose %s", exposed).isEmpty();
        }
    }

    /** The metrics of each panel's queries and of the dashboard's variables, by title; every panel has some. */
    private static Map<String, Set<String>> metricsByPanel(JsonNode dashboard) {
        Map<String, Set<String>> metrics = new TreeMap<>();
        for (JsonNode panel : dashboard.path("panels")) {
            if ("row".equals(panel.path("type").asString())) {
                continue;
            }
            String title = "panel \"" + panel.path("title").asString() + "\"";
            Set<String> names = new TreeSet<>();
            for (JsonNode target : panel.path("targets")) {
                names.addAll(PromQlMetricNames.of(target.path("expr").asString()));
            }
            assertThat(names).as("metrics queried by %s", title).isNotEmpty();
            metrics.put(title, names);
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            JsonNode query = variable.path("query");
            String text = query.isObject() ? query.path("query").asString() : query.asString();
            if ("query".equals(variable.path("type").asString())) {
                metrics.put("variable $" + variable.path("name").asString(), PromQlMetricNames.of(text));
            }
        }
        return metrics;
    }

    /** Calls that make the gateway's client meters and the node's server meters count something. */
    private static void callThroughTheGateway(MeshCluster mesh) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(mesh.gatewayUri("/fetchLatestNews?limit=1"))
                .timeout(Duration.ofSeconds(10)).build();
        for (int i = 0; i < CALLS; i++) {
            assertThat(http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        }
    }
}
