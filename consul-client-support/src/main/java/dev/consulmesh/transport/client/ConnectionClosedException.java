package dev.consulmesh.transport.client;

import dev.consulmesh.failure.CallFailure;
import dev.consulmesh.failure.FailureKind;

/** The connection closed while the request was waiting for its answer. */
public class ConnectionClosedException extends TransportException {

    public ConnectionClosedException(String node) {
        super(node, "connection to " + node + " closed before the answer arrived", null);
    }

    @Override
    public CallFailure callFailure() {
        return new CallFailure(FailureKind.WRITTEN_THEN_FAILED, CallFailure.Blame.CONNECTION,
                "its connection closed with requests pending");
    }
}
