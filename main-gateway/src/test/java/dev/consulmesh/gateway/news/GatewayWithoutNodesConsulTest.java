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

import static org.assertj.core.api.Assertions.assertThat;

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
                     "--mesh.registration.drain-period=0s")) {
            int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fetchLatestNews")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(503);
            JsonNode body = new ObjectMapper().readTree(response.body());
            assertThat(body.get("service").asString()).isEqualTo("push-service");
            assertThat(body.get("message").asString()).contains("no healthy instance of service 'push-service'");
        }
    }
}
