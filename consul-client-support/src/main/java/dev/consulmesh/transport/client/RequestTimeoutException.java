package dev.consulmesh.transport.client;

import java.time.Duration;

/** The node did not answer within the request's timeout. */
public class RequestTimeoutException extends TransportException {

    private final Duration timeout;

    public RequestTimeoutException(String node, Object pattern, Duration timeout) {
        super(node, "no answer from " + node + " to " + pattern + " within " + timeout.toMillis() + " ms", null);
        this.timeout = timeout;
    }

    public Duration timeout() {
        return timeout;
    }

    @Override
    public boolean mayHaveReachedHandler() {
        return true;
    }
}
