package dev.consulmesh.transport.client;

import dev.consulmesh.transport.tls.CurrentTlsContext;
import dev.consulmesh.transport.wire.FrameDecoder;
import io.netty.handler.ssl.SslContext;

import java.time.Duration;
import java.util.Objects;

/**
 * How a client talks to one node.
 *
 * @param connectTimeout  how long to wait for the TCP connection to be made
 * @param requestTimeout  how long a request waits for its last answer packet, unless the call gives its own
 * @param maxFrameLength  largest answer frame accepted, in UTF-16 code units; a larger one closes the connection
 * @param frameTimeout    how long an answer frame may stay incomplete after its first byte; then the connection closes
 * @param keepAlive       TCP keep-alive probing of the idle persistent connection
 * @param tls             TLS towards the node, null for plain TCP
 */
public record TcpClientOptions(Duration connectTimeout, Duration requestTimeout, int maxFrameLength,
                               Duration frameTimeout, KeepAlive keepAlive, ClientTls tls) {

    public TcpClientOptions {
        positive(connectTimeout, "connectTimeout");
        positive(requestTimeout, "requestTimeout");
        positive(frameTimeout, "frameTimeout");
        Objects.requireNonNull(keepAlive, "keepAlive");
        if (maxFrameLength <= 0) {
            throw new IllegalArgumentException("maxFrameLength must be positive, got " + maxFrameLength);
        }
    }

    public TcpClientOptions(Duration connectTimeout, Duration requestTimeout, int maxFrameLength) {
        this(connectTimeout, requestTimeout, maxFrameLength, FrameDecoder.DEFAULT_FRAME_TIMEOUT, KeepAlive.DEFAULT, null);
    }

    public static TcpClientOptions defaults() {
        return new TcpClientOptions(Duration.ofSeconds(2), Duration.ofSeconds(5), 8 * 1024 * 1024);
    }

    /** A copy with another connect timeout. */
    public TcpClientOptions withConnectTimeout(Duration timeout) {
        return new TcpClientOptions(timeout, requestTimeout, maxFrameLength, frameTimeout, keepAlive, tls);
    }

    /** A copy that speaks TLS. */
    public TcpClientOptions withTls(ClientTls clientTls) {
        return new TcpClientOptions(connectTimeout, requestTimeout, maxFrameLength, frameTimeout, keepAlive, clientTls);
    }

    private static void positive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + duration);
        }
    }

    /**
     * TLS towards nodes.
     *
     * @param context        trusted CAs and, for mutual TLS, this client's certificate; read for each new
     *                       connection, so a rotated SSL bundle is used from the next connection on
     * @param verifyHostname whether the node's certificate must name the address connected to
     */
    public record ClientTls(CurrentTlsContext context, boolean verifyHostname) {

        public ClientTls {
            Objects.requireNonNull(context, "context");
        }

        /** TLS with a context that never changes. */
        public ClientTls(SslContext context, boolean verifyHostname) {
            this(CurrentTlsContext.fixed(context), verifyHostname);
        }
    }

    /**
     * TCP keep-alive: after {@code idle} without traffic the kernel probes the peer every
     * {@code interval}, and closes the connection after {@code count} unanswered probes, so a node
     * that vanished without closing its connections (power loss, cut route) is noticed.
     */
    public record KeepAlive(Duration idle, Duration interval, int count) {

        public static final KeepAlive DEFAULT = new KeepAlive(Duration.ofSeconds(10), Duration.ofSeconds(5), 3);

        public KeepAlive {
            positive(idle, "keepAlive.idle");
            positive(interval, "keepAlive.interval");
            if (count <= 0) {
                throw new IllegalArgumentException("keepAlive.count must be positive, got " + count);
            }
        }
    }
}
