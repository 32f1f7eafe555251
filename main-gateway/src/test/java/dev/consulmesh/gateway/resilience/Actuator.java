package dev.consulmesh.gateway.resilience;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads the Spring Boot actuator of one process of the mesh over loopback: health, counters, the mesh view. */
final class Actuator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    private final String owner;
    private final String baseUrl;

    /** {@code owner} names the process in messages, e.g. "the gateway's management port". */
    Actuator(String owner, int port) {
        this.owner = owner;
        this.baseUrl = "http://127.0.0.1:" + port + "/actuator";
    }

    /** The status of {@code /actuator/health} (UP, DOWN, ...), also when it answers 503. */
    String healthStatus() {
        return json(fetch("/health")).path("status").asString("(no status)");
    }

    /**
     * The VALUE of a gauge from {@code /actuator/metrics/<name>}, narrowed by tags given as
     * {@code "key:value"} (e.g. {@code "area:heap"}).
     */
    double gauge(String gauge, String... tags) {
        HttpResponse<String> response = fetch(metricPath(gauge, tags));
        for (JsonNode measurement : json(requireOk(response)).path("measurements")) {
            if ("VALUE".equals(measurement.path("statistic").asString())) {
                return measurement.path("value").asDouble();
            }
        }
        throw new IllegalStateException(owner + ": " + gauge + " has no VALUE measurement: " + response.body());
    }

    /**
     * The COUNT of a counter from {@code /actuator/metrics/<name>}, summed over its tags or narrowed by
     * tags given as {@code "key:value"}; 0 when the counter was never incremented (Micrometer registers
     * it on first use, so it answers 404 until then).
     */
    double count(String counter, String... tags) {
        HttpResponse<String> response = fetch(metricPath(counter, tags));
        if (response.statusCode() == 404) {
            requireEndpoint("metrics");
            return 0;
        }
        for (JsonNode measurement : json(requireOk(response)).path("measurements")) {
            if ("COUNT".equals(measurement.path("statistic").asString())) {
                return measurement.path("value").asDouble();
            }
        }
        throw new IllegalStateException(owner + ": " + counter + " has no COUNT measurement: " + response.body());
    }

    private static String metricPath(String name, String... tags) {
        StringBuilder path = new StringBuilder("/metrics/").append(name);
        for (int i = 0; i < tags.length; i++) {
            path.append(i == 0 ? '?' : '&').append("tag=").append(tags[i]);
        }
        return path.toString();
    }

    /** The names of the samples {@code /actuator/prometheus} exposes, as Prometheus stores them (with _total, _sum, ...). */
    java.util.Set<String> prometheusSampleNames() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (String line : requireOk(fetch("/prometheus")).body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    /** The gateway's {@code /actuator/mesh} view of one service's nodes. */
    MeshReport mesh(String service) {
        HttpResponse<String> response = fetch("/mesh");
        if (response.statusCode() == 404) {
            requireEndpoint("mesh");
        }
        return MeshReport.of(json(requireOk(response)), service);
    }

    /**
     * Fails with a message naming the setting when the actuator does not expose the endpoint at all,
     * which a 404 of one of its paths cannot tell apart from an unknown name.
     */
    void requireEndpoint(String endpoint) {
        JsonNode links = json(requireOk(fetch(""))).path("_links");
        if (!links.has(endpoint)) {
            throw new IllegalStateException(owner + " does not expose the '" + endpoint + "' actuator endpoint (it lists "
                    + String.join(", ", links.propertyNames()) + "): check management.endpoints.web.exposure.include");
        }
    }

    private HttpResponse<String> fetch(String path) {
        URI uri = URI.create(baseUrl + path);
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(owner + " did not answer GET " + uri + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private HttpResponse<String> requireOk(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException(owner + ": GET " + response.uri() + " answered " + response.statusCode()
                    + ": " + response.body());
        }
        return response;
    }

    private JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (JacksonException e) {
            throw new IllegalStateException(owner + ": GET " + response.uri() + " answered " + response.statusCode()
                    + " with no JSON: " + response.body(), e);
        }
    }
}
