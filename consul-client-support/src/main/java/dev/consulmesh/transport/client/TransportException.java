package dev.consulmesh.transport.client;

/**
 * A call to a node failed. {@link #mayHaveReachedHandler()} tells a caller whether retrying the call
 * on another node could run it twice.
 */
public abstract class TransportException extends RuntimeException {

    private final String node;

    protected TransportException(String node, String message, Throwable cause) {
        super(message, cause);
        this.node = node;
    }

    /** host:port of the node the call went to. */
    public String node() {
        return node;
    }

    /** False when the request was never written to the node, so no handler can have run it. */
    public abstract boolean mayHaveReachedHandler();
}
