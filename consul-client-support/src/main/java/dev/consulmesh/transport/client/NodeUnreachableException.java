package dev.consulmesh.transport.client;

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
    public boolean mayHaveReachedHandler() {
        return false;
    }
}
