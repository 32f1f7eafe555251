package dev.consulmesh.transport.client;

import dev.consulmesh.failure.CallFailure;
import dev.consulmesh.failure.FailureKind;

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
    public CallFailure callFailure() {
        return new CallFailure(FailureKind.TIMED_OUT, CallFailure.Blame.SLOWNESS, timeout.toMillis() + " ms");
    }
}
