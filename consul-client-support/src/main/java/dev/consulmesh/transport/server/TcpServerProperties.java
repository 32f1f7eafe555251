package dev.consulmesh.transport.server;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import dev.consulmesh.transport.tls.TlsProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Where a node's TCP server listens, which address it gives to Consul, and the limits that keep one
 * peer from exhausting it. The library binds these
 * under {@code mesh.tcp}; a service may bind the same class under its own prefix (push-service uses
 * {@code push.tcp}) by declaring its own bean.
 */
@Validated
public class TcpServerProperties {

    private final String prefix;

    /** Interface the TCP server binds: 0.0.0.0 for every interface, 127.0.0.1 for this host only. */
    @NotBlank
    private String host = "0.0.0.0";

    /** TCP port of the server; 0 picks a free port (the registered port is the bound one). */
    @Min(0)
    @Max(65535)
    private int port = 3001;

    /**
     * Address registered in Consul, which callers on other servers connect to. Empty: the first
     * non-loopback IPv4 address of this host.
     */
    private String advertisedHost;

    /** Largest frame accepted, in UTF-16 code units of its JSON text; a larger one closes the connection. */
    @Min(64)
    private int maxFrameLength = 8 * 1024 * 1024;

    /**
     * How long a frame may stay incomplete after its first byte arrived; then its connection is closed
     * (Nest's own limit is 30 s). Stops a peer that trickles a frame, or starts one and never ends it.
     */
    @NotNull
    @DurationMin(millis = 1)
    private Duration frameTimeout = Duration.ofSeconds(30);

    /**
     * A connection on which nothing was read or written for this long, with no request running, is
     * closed; callers open a new one on their next call.
     */
    @NotNull
    @DurationMin(millis = 1)
    private Duration idleTimeout = Duration.ofMinutes(5);

    /** Connections the server holds at once; one more is closed as soon as it is accepted. */
    @Min(1)
    private int maxConnections = 1024;

    /**
     * Requests of one connection running at once (received, final answer not yet written). At this many
     * the server stops reading that connection until half of them are answered: backpressure, nothing
     * is closed or refused. A caller multiplexing all its traffic on one connection reaches it only when
     * that many of its calls wait on slow handlers at the same moment.
     */
    @Min(1)
    private int maxPendingRequestsPerConnection = 1024;

    /**
     * Answer bytes queued for one connection whose peer does not read them. Above this the server stops
     * reading that connection's requests until the queue drained to half.
     */
    @Min(1024)
    private int maxQueuedAnswerBytes = 1024 * 1024;

    /** How long a graceful stop waits for in-flight requests before closing connections. */
    @NotNull
    @DurationMin(millis = 0)
    private Duration shutdownTimeout = Duration.ofSeconds(10);

    /**
     * The longest deadline a caller's request may carry (its {@code timeout} header): a longer one, or
     * an absurd one, is cut to this. A request whose deadline passed before its handler would start is
     * answered with a timeout error instead.
     */
    @NotNull
    @DurationMin(millis = 1)
    private Duration maxDeadline = Duration.ofMinutes(5);

    /** TLS on the server, optionally requiring client certificates (mutual TLS). */
    private final TlsProperties tls = new TlsProperties();

    /** How {@link Blocking} handlers are called off the I/O threads. */
    @Valid
    private final BlockingLimits blocking = new BlockingLimits();

    /** Settings bound under {@code mesh.tcp}. */
    public TcpServerProperties() {
        this("mesh.tcp");
    }

    /** @param prefix where the settings are bound, for error messages ({@code push.tcp}) */
    public TcpServerProperties(String prefix) {
        this.prefix = prefix;
    }

    /** Where these settings are bound, for messages that name a property. */
    public String prefix() {
        return prefix;
    }

    public TlsProperties getTls() {
        return tls;
    }

    public BlockingLimits getBlocking() {
        return blocking;
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public String getAdvertisedHost() {
        return advertisedHost;
    }

    public void setAdvertisedHost(String advertisedHost) {
        this.advertisedHost = advertisedHost;
    }

    public int getMaxFrameLength() {
        return maxFrameLength;
    }

    public void setMaxFrameLength(int maxFrameLength) {
        this.maxFrameLength = maxFrameLength;
    }

    public Duration getFrameTimeout() {
        return frameTimeout;
    }

    public void setFrameTimeout(Duration frameTimeout) {
        this.frameTimeout = frameTimeout;
    }

    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    public int getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    public int getMaxPendingRequestsPerConnection() {
        return maxPendingRequestsPerConnection;
    }

    public void setMaxPendingRequestsPerConnection(int maxPendingRequestsPerConnection) {
        this.maxPendingRequestsPerConnection = maxPendingRequestsPerConnection;
    }

    public Duration getMaxDeadline() {
        return maxDeadline;
    }

    public void setMaxDeadline(Duration maxDeadline) {
        this.maxDeadline = maxDeadline;
    }

    public int getMaxQueuedAnswerBytes() {
        return maxQueuedAnswerBytes;
    }

    public void setMaxQueuedAnswerBytes(int maxQueuedAnswerBytes) {
        this.maxQueuedAnswerBytes = maxQueuedAnswerBytes;
    }

    public Duration getShutdownTimeout() {
        return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    /**
     * Bounds on {@link Blocking} handler calls, over the whole server: they run on virtual threads
     * (JDK 21+) or platform threads (JDK 17), never on the I/O threads.
     */
    public static class BlockingLimits {

        /**
         * Blocking handler calls running at once. Size it to what the handlers block on (a JDBC pool's
         * size, a downstream service's capacity), not to the threads: on virtual threads they are cheap.
         */
        @Min(1)
        private int maxConcurrency = 64;

        /**
         * Calls waiting for a free slot, first come first served. One more is answered at once with
         * {@code {"status":"error","message":"server busy: ..."}} (an event is dropped), counted as limit
         * {@code blocking-queue-full}. Bounds how long a call can wait: about this many calls' run time
         * divided by the concurrency.
         */
        @Min(0)
        private int maxQueued = 1024;

        public int getMaxConcurrency() {
            return maxConcurrency;
        }

        public void setMaxConcurrency(int maxConcurrency) {
            this.maxConcurrency = maxConcurrency;
        }

        public int getMaxQueued() {
            return maxQueued;
        }

        public void setMaxQueued(int maxQueued) {
            this.maxQueued = maxQueued;
        }
    }
}
