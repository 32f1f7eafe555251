package dev.consulmesh.gateway.edge;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Limits of the gateway's public HTTP port against clients that never finish: how long a request's
 * headers and its body may take to arrive, and how many connections may be open, in all and from one
 * client address. A connection kept alive between requests is closed by {@code server.netty.idle-timeout}.
 */
@Validated
@ConfigurationProperties("gateway.http")
public class HttpEdgeProperties {

    /** From a request's first byte to the end of its headers; then 408 and the connection closes. */
    @NotNull
    @DurationMin(millis = 1)
    private Duration headerTimeout = Duration.ofSeconds(10);

    /** From the end of a request's headers to the end of its body, when one is sent; then the connection closes. */
    @NotNull
    @DurationMin(millis = 1)
    private Duration bodyTimeout = Duration.ofSeconds(30);

    /** Open connections at once; one more is answered 503 and closed. */
    @Min(1)
    private int maxConnections = 10_000;

    /** Open connections at once from one client address; one more is answered 503 and closed. */
    @Min(1)
    private int maxConnectionsPerClient = 1024;

    public Duration getHeaderTimeout() {
        return headerTimeout;
    }

    public void setHeaderTimeout(Duration headerTimeout) {
        this.headerTimeout = headerTimeout;
    }

    public Duration getBodyTimeout() {
        return bodyTimeout;
    }

    public void setBodyTimeout(Duration bodyTimeout) {
        this.bodyTimeout = bodyTimeout;
    }

    public int getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    public int getMaxConnectionsPerClient() {
        return maxConnectionsPerClient;
    }

    public void setMaxConnectionsPerClient(int maxConnectionsPerClient) {
        this.maxConnectionsPerClient = maxConnectionsPerClient;
    }
}
