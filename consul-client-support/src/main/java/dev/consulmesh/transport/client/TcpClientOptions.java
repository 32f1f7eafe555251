package dev.consulmesh.transport.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a client talks to one node.
 *
 * @param connectTimeout  how long to wait for the TCP connection to be made
 * @param requestTimeout  how long a request waits for its last answer packet
 * @param maxFrameLength  largest answer frame accepted, in UTF-16 code units
 */
public record TcpClientOptions(Duration connectTimeout, Duration requestTimeout, int maxFrameLength) {

    public TcpClientOptions {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive, got " + connectTimeout);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, got " + requestTimeout);
        }
        if (maxFrameLength <= 0) {
            throw new IllegalArgumentException("maxFrameLength must be positive, got " + maxFrameLength);
        }
    }

    public static TcpClientOptions defaults() {
        return new TcpClientOptions(Duration.ofSeconds(2), Duration.ofSeconds(5), 8 * 1024 * 1024);
    }
}
