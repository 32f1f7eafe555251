package dev.consulmesh.gateway.news;

import dev.consulmesh.warmup.RateSettling;
import dev.consulmesh.warmup.StepResult;
import dev.consulmesh.warmup.WarmUpBudget;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class NewsRouteWarmUpTest {

    @Test
    void aNewsPatternNotDeclaredIdempotentIsNeverAskedOf() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(1000);
            CompletableFuture<Boolean> connected = CompletableFuture.supplyAsync(() -> {
                try (var ignored = server.accept()) {
                    return true;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            MockEnvironment environment = new MockEnvironment().withProperty("local.server.port", String.valueOf(server.getLocalPort()));
            NewsRouteWarmUp step = new NewsRouteWarmUp(() -> false, new GatewayNewsProperties(), environment);

            StepResult result = step.run(new WarmUpBudget(100, 4, System.nanoTime() + Duration.ofSeconds(10).toNanos(),
                    new RateSettling(Duration.ofSeconds(2), 5)));

            assertThat(result.calls()).isZero();
            assertThat(result.skipped()).contains("fetchLatestNews").contains("not declared idempotent");
            assertThat(connected.get(5, TimeUnit.SECONDS)).as("a connection to the gateway's port").isFalse();
        }
    }
}
