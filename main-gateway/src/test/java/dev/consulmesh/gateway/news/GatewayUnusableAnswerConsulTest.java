package dev.consulmesh.gateway.news;

import dev.consulmesh.client.MeshClient;
import dev.consulmesh.gateway.GatewayApplication;
import dev.consulmesh.testsupport.TestConsul;
import dev.consulmesh.testsupport.TestNode;
import dev.consulmesh.transport.server.MessagePattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway against a real Consul agent and two push-service nodes, one of which answers an object
 * where the gateway reads an array of news: that answer is the node's unusable one, and every request
 * is answered by the other node.
 */
class GatewayUnusableAnswerConsulTest {

    /** A node that answers fetchLatestNews with something other than an array. */
    public static final class ObjectAnsweringNode {
        @MessagePattern("fetchLatestNews")
        public Map<String, Object> fetchLatestNews() {
            return Map.of("items", "not an array");
        }
    }

    @Test
    void aNodeAnsweringSomethingOtherThanAnArrayIsPassedOverForAnotherNode() throws Exception {
        try (TestConsul consul = TestConsul.start();
             TestNode good = TestNode.start(consul, "push-service", new FakeNewsNode());
             TestNode bad = TestNode.start(consul, "push-service", new ObjectAnsweringNode());
             ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayApplication.class).run(
                     "--server.port=0", "--management.server.port=0",
                     "--spring.cloud.consul.host=" + consul.host(),
                     "--spring.cloud.consul.port=" + consul.httpPort(),
                     "--mesh.registration.advertised-host=127.0.0.1",
                     "--mesh.registration.drain-period=0s", "--gateway.news.expose-node=true")) {
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    new ObjectMapper().readTree(consul.http().get("/v1/health/service/push-service?passing")).size() == 2);
            int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/fetchLatestNews?limit=2")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                assertThat(response.headers().firstValue(NewsController.NODE_HEADER)).hasValue(good.instanceId());
                assertThat(new ObjectMapper().readTree(response.body()).get("items").size()).isEqualTo(2);
            }
            // The other node was asked, and its answers counted against it.
            assertThat(gateway.getBean(MeshClient.class).status().get("push-service").nodes())
                    .filteredOn(node -> node.instanceId().equals(bad.instanceId()))
                    .singleElement().satisfies(node -> assertThat(node.failures()).isPositive());
        }
    }
}
