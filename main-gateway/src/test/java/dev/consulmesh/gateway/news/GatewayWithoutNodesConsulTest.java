package dev.consulmesh.gateway.news;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.gateway.GatewayApplication;
import dev.consulmesh.testsupport.TestConsul;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The gateway against a real Consul agent in which no push-service instance is registered. */
class GatewayWithoutNodesConsulTest {

    @Test
    void answers503NamingTheServiceWhenNoInstanceIsHealthy() throws Exception {
        try (TestConsul consul = TestConsul.start();
             ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayApplication.class).run(
                     "--server.port=0", "--management.server.port=0",
                     "--spring.cloud.consul.host=" + consul.host(),
                     "--spring.cloud.consul.port=" + consul.httpPort(),
                     "--mesh.registration.advertised-host=127.0.0.1",
                     "--mesh.registration.check-interval=500ms",
                     "--mesh.registration.drain-period=0s")) {
            int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fetchLatestNews")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(503);
            JsonNode body = new ObjectMapper().readTree(response.body());
            assertThat(body.get("service").asString()).isEqualTo("push-service");
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(body.get("status").asInt()).isEqualTo(503);
            assertThat(body.get("detail").asString()).isEqualTo("no healthy instance of service 'push-service'");
            assertThat(response.body()).doesNotContain("127.0.0.1", String.valueOf(consul.httpPort()));

            // The downstream outage shows in health, not in the gateway's own Consul check (readiness).
            int management = gateway.getEnvironment().getProperty("local.management.port", Integer.class);
            assertThat(get(management, "/actuator/health").statusCode()).isEqualTo(503);
            assertThat(new ObjectMapper().readTree(get(management, "/actuator/health").body())
                    .at("/components/mesh/status").asString()).isEqualTo("DOWN");
            assertThat(get(management, "/actuator/health/readiness").statusCode()).isEqualTo(200);
            assertThat(get(management, "/actuator/health/liveness").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(consul.http()
                    .get("/v1/health/checks/main-gateway")).contains("\"Status\": \"passing\"").contains("/actuator/health/readiness"));
            Thread.sleep(1500); // three more check runs: it stays passing
            assertThat(consul.http().get("/v1/health/checks/main-gateway")).contains("\"Status\": \"passing\"");

            HttpResponse<String> prometheus = get(management, "/actuator/prometheus");
            assertThat(prometheus.statusCode()).isEqualTo(200);
            assertThat(prometheus.body()).contains("jvm_memory_used_bytes");
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
