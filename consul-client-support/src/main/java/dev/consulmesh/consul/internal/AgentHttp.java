package dev.consulmesh.consul.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Plain GETs to the Consul agent's HTTP API, for what consul-api does not show: the response headers
 * (its {@code Response} keeps only the index, known-leader and last-contact ones). Not part of the
 * library's API.
 */
public final class AgentHttp {

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** @param baseUrl scheme://host:port[/path] of the agent */
    public AgentHttp(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** One answer: status, body and headers. */
    public record Answer(int status, String body, HttpHeaders headers) {

        /** A header's first value (names are case-insensitive). */
        public Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    /**
     * GET a path (starting with /v1/), with the token in X-Consul-Token when there is one.
     *
     * @throws UncheckedIOException when the agent does not answer
     */
    public Answer get(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(5)).GET();
        if (token != null) {
            request.header("X-Consul-Token", token);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + baseUrl + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException("interrupted during GET " + baseUrl + path, new IOException(e));
        }
    }
}
