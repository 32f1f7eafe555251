package dev.consulmesh.transport.client;

/** The request could not be written to the node: connection refused, reset, or not made in time. */
public class NodeUnreachableException extends TransportException {

    public NodeUnreachableException(String node, String reason, Throwable cause) {
        super(node, "cannot reach " + node + ": " + reason, cause);
    }

    @Override
    public boolean mayHaveReachedHandler() {
        return false;
    }
}
