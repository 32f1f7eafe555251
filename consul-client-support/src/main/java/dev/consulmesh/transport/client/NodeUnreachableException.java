package dev.consulmesh.transport.client;

import dev.consulmesh.failure.CallFailure;
import dev.consulmesh.failure.FailureKind;

/** The request could not be written to the node: connection refused, reset, or not made in time. */
public class NodeUnreachableException extends TransportException {

    private final UnreachableReason reason;

    public NodeUnreachableException(String node, UnreachableReason reason, String detail, Throwable cause) {
        super(node, "cannot reach " + node + ": " + detail, cause);
        this.reason = reason;
    }

    public UnreachableReason reason() {
        return reason;
    }

    @Override
    public CallFailure callFailure() {
        return switch (reason) {
            case CLIENT_CLOSED -> new CallFailure(FailureKind.NOT_WRITTEN, CallFailure.Blame.NONE, reason.description());
            case TLS_HANDSHAKE -> new CallFailure(FailureKind.TLS_HANDSHAKE, CallFailure.Blame.CONNECTION, reason.description());
            default -> new CallFailure(FailureKind.NOT_WRITTEN, CallFailure.Blame.CONNECTION, reason.description());
        };
    }
}
