package dev.consulmesh.gateway.news;

import dev.consulmesh.client.MeshClient;
import dev.consulmesh.retry.IdempotentPatterns;
import dev.consulmesh.warmup.StepResult;
import dev.consulmesh.warmup.WarmUpBudget;
import dev.consulmesh.warmup.WarmUpStep;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;

import java.util.function.BooleanSupplier;

/**
 * The gateway's warm-up: its hot route, {@code GET /fetchLatestNews}, asked of its own HTTP server over
 * loopback, so the HTTP server, the route, the mesh client's call path and the news nodes' connections are
 * compiled before the gateway reports ready. Each request sends the news nodes one fetchLatestNews call,
 * so the step runs only while that pattern is declared idempotent for the news service (as
 * {@link NewsNodes} declares it): reading news any number of times changes nothing.
 */
@Component
public class NewsRouteWarmUp implements WarmUpStep {

    private final BooleanSupplier newsIdempotent;
    private final GatewayNewsProperties properties;
    private final Environment environment;

    @Autowired
    public NewsRouteWarmUp(MeshClient mesh, GatewayNewsProperties properties, Environment environment) {
        this(() -> idempotent(mesh, properties), properties, environment);
    }

    NewsRouteWarmUp(BooleanSupplier newsIdempotent, GatewayNewsProperties properties, Environment environment) {
        this.newsIdempotent = newsIdempotent;
        this.properties = properties;
        this.environment = environment;
    }

    @Override
    public String name() {
        return "news-route";
    }

    @Override
    public StepResult run(WarmUpBudget budget) {
        if (!newsIdempotent.getAsBoolean()) {
            return StepResult.skipped("pattern " + properties.getPattern() + " of " + properties.getService()
                    + " is not declared idempotent: the warm-up never repeats a call that may change something");
        }
        String port = environment.getProperty("local.server.port");
        if (port == null) {
            return StepResult.skipped("no HTTP server listening");
        }
        ConnectionProvider connections = ConnectionProvider.create("warm-up", budget.concurrency());
        try {
            HttpClient http = HttpClient.create(connections).baseUrl("http://" + ownAddress() + ":" + port);
            String uri = "/fetchLatestNews?limit=" + properties.getDefaultLimit();
            return budget.spend(() -> http.get().uri(uri).responseSingle((response, body) ->
                    body.asByteArray().defaultIfEmpty(new byte[0]).flatMap(bytes -> response.status().equals(HttpResponseStatus.OK)
                            ? Mono.just(bytes)
                            : Mono.error(new IllegalStateException("answered " + response.status())))));
        } finally {
            connections.disposeLater().block();
        }
    }

    /** Whether the news pattern is declared idempotent, for every service or for the news service. */
    private static boolean idempotent(MeshClient mesh, GatewayNewsProperties properties) {
        IdempotentPatterns everywhere = mesh.idempotentPatterns();
        JsonNode pattern = everywhere.routes().asSent(properties.getPattern());
        return everywhere.contains(pattern) || mesh.idempotentPatterns(properties.getService()).contains(pattern);
    }

    /** The address the HTTP server listens on, loopback when it listens on every address. */
    private String ownAddress() {
        String address = environment.getProperty("server.address", "");
        return address.isBlank() || address.equals("0.0.0.0") || address.equals("::") ? "127.0.0.1" : address;
    }
}
