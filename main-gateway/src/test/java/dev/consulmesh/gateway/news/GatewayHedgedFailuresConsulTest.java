package dev.consulmesh.gateway.news;

import dev.consulmesh.gateway.GatewayApplication;
import dev.consulmesh.testsupport.StartedResources;
import dev.consulmesh.testsupport.TestConsul;
import dev.consulmesh.testsupport.TestNode;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.server.RpcException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway with hedging on, against a real Consul agent: a call that gets no answer keeps its status
 * (503 without a node, 502 for an error answer, 504 for a node that never answers), as without hedging.
 */
class GatewayHedgedFailuresConsulTest {

    private final StartedResources started = new StartedResources();

    /** A node whose handler throws. */
    public static final class ThrowingNode {
        @MessagePattern("fetchLatestNews")
        public List<Object> fetchLatestNews() {
            throw new RpcException("the news store is down");
        }
    }

    /** A node whose handler never answers. */
    public static final class StuckNode {
        @MessagePattern("fetchLatestNews")
        public Mono<List<Object>> fetchLatestNews() {
            return Mono.never();
        }
    }

    @AfterEach
    void stop() throws Exception {
        started.close();
    }

    private int hedgingGateway(TestConsul consul) {
        ConfigurableApplicationContext gateway = started.add(new SpringApplicationBuilder(GatewayApplication.class).run(
                "--server.port=0", "--management.server.port=0",
                "--spring.cloud.consul.host=" + consul.host(),
                "--spring.cloud.consul.port=" + consul.httpPort(),
                "--mesh.registration.advertised-host=127.0.0.1",
                "--mesh.registration.drain-period=0s",
                "--mesh.client.hedge.enabled=true",
                "--mesh.client.request-timeout=1s",
                "--mesh.client.attempt-timeout=500ms"));
        return ((WebServerApplicationContext) gateway).getWebServer().getPort();
    }

    private static HttpResponse<String> fetch(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/fetchLatestNews?limit=2")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitPassing(TestConsul consul, int count) {
        await().atMost(Duration.ofSeconds(15)).until(() ->
                new ObjectMapper().readTree(consul.http().get("/v1/health/service/push-service?passing")).size() == count);
    }

    @Test
    void withoutAHealthyNodeAHedgedCallIs503() throws Exception {
        TestConsul consul = started.add(TestConsul.start());
        int port = hedgingGateway(consul);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = fetch(port);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(response.body()).contains("no healthy instance of service 'push-service'");
        }
    }

    @Test
    void aHedgedCallAnsweredWithErrorsIs502() throws Exception {
        TestConsul consul = started.add(TestConsul.start());
        started.add(TestNode.start(consul, "push-service", new ThrowingNode()));
        awaitPassing(consul, 1);
        int port = hedgingGateway(consul);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = fetch(port);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
        }
    }

    @Test
    void aHedgedCallThatNeverGetsAnAnswerIs504() throws Exception {
        TestConsul consul = started.add(TestConsul.start());
        started.add(TestNode.start(consul, "push-service", new StuckNode()));
        awaitPassing(consul, 1);
        int port = hedgingGateway(consul);
        HttpResponse<String> response = fetch(port);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(504);
    }
}
