package dev.consulmesh.gateway.news;

import dev.consulmesh.gateway.GatewayApplication;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.testsupport.TestConsul;
import dev.consulmesh.testsupport.TestNode;
import dev.consulmesh.transport.server.EventPattern;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.warmup.StepResult;
import dev.consulmesh.warmup.WarmUpBudget;
import dev.consulmesh.warmup.WarmUpStep;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway against a real Consul agent and a news node that counts what it receives: while the
 * gateway warms up, its readiness answers 503 and Consul has no check of it; its warm-up asks its own
 * route, so the node receives fetchLatestNews (declared idempotent) and nothing else; once warm the
 * gateway is ready and its Consul check passes, and the warm-up shows in a log line and a timer.
 */
@ExtendWith(OutputCaptureExtension.class)
class NewsRouteWarmUpConsulTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A news node counting every pattern the gateway could send it: the idempotent read and the event. */
    public static class CountingNewsNode {
        final AtomicInteger fetches = new AtomicInteger();
        final AtomicInteger tasks = new AtomicInteger();

        @MessagePattern("fetchLatestNews")
        public List<Map<String, Object>> fetchLatestNews(JsonNode query) {
            fetches.incrementAndGet();
            return List.of(Map.of("id", "a1", "title", "Headline", "summary", "Summary",
                    "url", "https://news.example.org/1", "source", "Example Wire", "publishedAt", 1_700_000_000_000L));
        }

        @EventPattern("fetchNewsTask")
        public void fetchNewsTask(JsonNode task) {
            tasks.incrementAndGet();
        }
    }

    /** The test's step, after the gateway's: notes what the gateway looks like mid-warm-up, then waits. */
    @Order(Ordered.LOWEST_PRECEDENCE)
    static class GateStep implements WarmUpStep {
        static final CountDownLatch reached = new CountDownLatch(1);
        static final CountDownLatch released = new CountDownLatch(1);
        static volatile int managementPort;

        private final Environment environment;

        GateStep(Environment environment) {
            this.environment = environment;
        }

        @Override
        public String name() {
            return "test-gate";
        }

        @Override
        public StepResult run(WarmUpBudget budget) {
            managementPort = environment.getProperty("local.management.port", Integer.class, -1);
            reached.countDown();
            try {
                released.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return StepResult.ran(0, 0, StepResult.End.SPENT);
        }
    }

    @Configuration
    static class Gate {
        @Bean
        GateStep gateStep(Environment environment) {
            return new GateStep(environment);
        }
    }

    private static int readiness(int managementPort) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1; // not listening yet: not ready either
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String gatewayChecks(TestConsul consul) {
        return consul.http().get("/v1/health/checks/main-gateway");
    }

    @Test
    void theGatewayIsNotReadyNorPassingUntilWarmAndWarmsWithIdempotentCallsOnly(CapturedOutput output) throws Exception {
        CountingNewsNode counted = new CountingNewsNode();
        try (TestConsul consul = TestConsul.start();
             TestNode node = TestNode.start(consul, "push-service", counted)) {
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    JSON.readTree(consul.http().get("/v1/health/service/push-service?passing")).size() == 1);
            CompletableFuture<ConfigurableApplicationContext> starting = CompletableFuture.supplyAsync(() ->
                    new SpringApplicationBuilder(GatewayApplication.class, Gate.class).run(
                            "--server.port=0", "--management.server.port=0",
                            "--spring.cloud.consul.host=" + consul.host(),
                            "--spring.cloud.consul.port=" + consul.httpPort(),
                            "--mesh.registration.advertised-host=127.0.0.1",
                            "--mesh.registration.check-interval=500ms",
                            "--mesh.registration.drain-period=0s",
                            "--mesh.warm-up.enabled=true", "--mesh.warm-up.max-duration=60s", "--mesh.warm-up.loopback-calls=1000",
                            "--mesh.warm-up.calls=2000"));
            try {
                assertThat(GateStep.reached.await(120, TimeUnit.SECONDS)).as("the warm-up reached the test's step").isTrue();
                Thread.sleep(1500); // three check intervals: a check registered now would have run
                assertThat(readiness(GateStep.managementPort)).as("readiness while warming up").isNotEqualTo(200);
                assertThat(JSON.readTree(gatewayChecks(consul))).as("the gateway's checks in Consul while warming up").isEmpty();
                assertThat(starting).isNotDone();
            } finally {
                GateStep.released.countDown();
            }

            try (ConfigurableApplicationContext gateway = starting.get(60, TimeUnit.SECONDS)) {
                int management = gateway.getEnvironment().getProperty("local.management.port", Integer.class);
                assertThat(readiness(management)).isEqualTo(200);
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(gatewayChecks(consul))
                        .contains("\"Status\": \"passing\"").contains("/actuator/health/readiness"));

                Timer route = gateway.getBean(MeshMetrics.class).registry().find("mesh.warm-up").tag("step", "news-route").timer();
                Timer all = gateway.getBean(MeshMetrics.class).registry().find("mesh.warm-up").tag("step", "all").timer();
                assertThat(route).as("the mesh.warm-up timer of the route's step").isNotNull();
                assertThat(all).as("the mesh.warm-up timer of the whole warm-up").isNotNull();
                assertThat(output.getOut()).containsPattern("warm-up done in \\d+ ms .*: news-route \\d+ calls \\(0 failed\\)"
                        + " in \\d+ ms.*; test-gate .*; loopback-transport \\d+ calls");
                System.out.printf("gateway warm-up: %d fetchLatestNews calls to the node, route step %d ms%n",
                        counted.fetches.get(), (long) route.totalTime(TimeUnit.MILLISECONDS));
            }
            assertThat(counted.fetches.get()).as("fetchLatestNews calls of the warm-up (idempotent)").isPositive();
            assertThat(counted.tasks).as("fetchNewsTask events (not idempotent) sent by the warm-up").hasValue(0);
        }
    }
}
