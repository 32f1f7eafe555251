package dev.consulmesh.autoconfigure;

import dev.consulmesh.autoconfigure.EchoApps.EchoNode;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.testsupport.TestConsul;
import dev.consulmesh.testsupport.TestNode;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.server.TcpServer;
import dev.consulmesh.warmup.StepResult;
import dev.consulmesh.warmup.WarmUpBudget;
import dev.consulmesh.warmup.WarmUpStep;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node of the mesh as a Spring application against a real Consul agent: while its warm-up runs it is
 * not ready and not registered in Consul (so no check of it can pass), once warm it is ready, registered
 * and passing; the warm-up sends the services in Consul nothing (a counting node receives no call), and
 * says what it did in a log line and the {@code mesh.warm-up} timer.
 */
@ExtendWith(OutputCaptureExtension.class)
class WarmUpBeforeRegistrationConsulTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestConsul consul;

    @BeforeAll
    static void startConsul() {
        consul = TestConsul.start();
    }

    @AfterAll
    static void stopConsul() {
        if (consul != null) {
            consul.close();
        }
    }

    /** A service already in Consul that counts every call it receives, idempotent or not. */
    public static class CountingHandlers {
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger writes = new AtomicInteger();

        @MessagePattern("read")
        public String read(JsonNode data) {
            reads.incrementAndGet();
            return "read";
        }

        @MessagePattern("write")
        public String write(JsonNode data) {
            writes.incrementAndGet();
            return "written";
        }
    }

    /** The test's own last warm-up step: notes what the process looks like mid-warm-up, then waits to be let go. */
    static class GateStep implements WarmUpStep {
        static final CountDownLatch reached = new CountDownLatch(1);
        static final CountDownLatch released = new CountDownLatch(1);
        static volatile ReadinessState readinessDuringWarmUp;
        static volatile int tcpPort;

        private final ApplicationAvailability availability;
        private final TcpServer server;

        GateStep(ApplicationAvailability availability, TcpServer server) {
            this.availability = availability;
            this.server = server;
        }

        @Override
        public String name() {
            return "test-gate";
        }

        @Override
        public StepResult run(WarmUpBudget budget) {
            readinessDuringWarmUp = availability.getReadinessState();
            tcpPort = server.port();
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
        GateStep gateStep(ApplicationAvailability availability, TcpServer server) {
            return new GateStep(availability, server);
        }
    }

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    private static boolean registered(String id) {
        return json(consul.http().get("/v1/agent/services")).has(id);
    }

    private static boolean passing(String service, String id) {
        for (JsonNode entry : json(consul.http().get("/v1/health/service/" + service + "?passing"))) {
            if (entry.at("/Service/ID").asString().equals(id)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aNodeIsNeitherReadyNorRegisteredUntilWarmThenBothAndItsWarmUpCalledNoService(CapturedOutput output)
            throws Exception {
        CountingHandlers counted = new CountingHandlers();
        try (TestNode other = TestNode.start(consul, "counted-service", counted)) {
            CompletableFuture<ConfigurableApplicationContext> starting = CompletableFuture.supplyAsync(() ->
                    new SpringApplicationBuilder(EchoNode.class, Gate.class).web(WebApplicationType.NONE).run(
                            "--spring.application.name=warming-service",
                            "--spring.cloud.consul.host=" + consul.host(),
                            "--spring.cloud.consul.port=" + consul.httpPort(),
                            "--mesh.tcp.host=127.0.0.1", "--mesh.tcp.port=0", "--mesh.tcp.advertised-host=127.0.0.1",
                            "--mesh.registration.check-interval=500ms", "--mesh.registration.drain-period=0s",
                            "--mesh.client.idempotent-patterns=read",
                            "--mesh.warm-up.enabled=true", "--mesh.warm-up.max-duration=60s", "--mesh.warm-up.loopback-calls=2000"));
            try {
                assertThat(GateStep.reached.await(120, TimeUnit.SECONDS)).as("the warm-up reached the test's step").isTrue();
                String id = "warming-service-127.0.0.1-" + GateStep.tcpPort;
                // The TCP server already listens (a TCP check would pass), so the node must not be in Consul yet.
                Thread.sleep(1500); // three check intervals: a registration made now would have a passing check
                assertThat(GateStep.readinessDuringWarmUp).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
                assertThat(registered(id)).as("registered while warming up").isFalse();
                assertThat(passing("warming-service", id)).isFalse();
                assertThat(starting).isNotDone();
            } finally {
                GateStep.released.countDown();
            }

            try (ConfigurableApplicationContext node = starting.get(60, TimeUnit.SECONDS)) {
                String id = "warming-service-127.0.0.1-" + node.getBean(TcpServer.class).port();
                assertThat(node.getBean(ApplicationAvailability.class).getReadinessState())
                        .isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
                assertThat(registered(id)).isTrue();
                await().atMost(Duration.ofSeconds(15)).until(() -> passing("warming-service", id));

                Timer all = node.getBean(MeshMetrics.class).registry().find("mesh.warm-up").tag("step", "all").timer();
                assertThat(all).as("the mesh.warm-up timer of the whole warm-up").isNotNull();
                assertThat(all.count()).isEqualTo(1);
                Timer loopback = node.getBean(MeshMetrics.class).registry().find("mesh.warm-up").tag("step", "loopback-transport").timer();
                assertThat(loopback).isNotNull();
                System.out.printf("warm-up of a node: loopback step %d ms, whole warm-up %d ms (with the test's wait)%n",
                        (long) loopback.totalTime(TimeUnit.MILLISECONDS), (long) all.totalTime(TimeUnit.MILLISECONDS));
                assertThat(output.getOut()).containsPattern("warm-up done in \\d+ ms .*loopback-transport \\d+ calls \\(0 failed\\)");
            }
            assertThat(counted.reads).as("idempotent calls the warm-up sent another service").hasValue(0);
            assertThat(counted.writes).as("non-idempotent calls the warm-up sent another service").hasValue(0);
        }
    }

    @Test
    void withTheWarmUpOffThereIsNoWarmUp(CapturedOutput output) {
        try (ConfigurableApplicationContext node = new SpringApplicationBuilder(EchoNode.class).web(WebApplicationType.NONE).run(
                "--spring.application.name=cold-service",
                "--spring.cloud.consul.host=" + consul.host(),
                "--spring.cloud.consul.port=" + consul.httpPort(),
                "--mesh.tcp.host=127.0.0.1", "--mesh.tcp.port=0", "--mesh.tcp.advertised-host=127.0.0.1",
                "--mesh.registration.drain-period=0s", "--mesh.warm-up.enabled=false")) {
            assertThat(node.getBean(MeshMetrics.class).registry().find("mesh.warm-up").timer()).isNull();
            assertThat(output.getOut()).doesNotContain("warm-up done in");
        }
    }
}
