package dev.consulmesh.transport.client;

import dev.consulmesh.failure.CallFailure;
import dev.consulmesh.failure.ClassifiedFailure;

/**
 * A call to a node failed. {@link #callFailure()} classifies it for every decision about it;
 * {@link #mayHaveReachedHandler()} reads that classification.
 */
public abstract class TransportException extends RuntimeException implements ClassifiedFailure {

    private final String node;

    protected TransportException(String node, String message, Throwable cause) {
        super(message, cause);
        this.node = node;
    }

    /** host:port of the node the call went to. */
    public String node() {
        return node;
    }

    /**
     * False when no handler can have run the request (it was never written, or the node answered that
     * no handler serves its pattern): retrying it on another node cannot run it twice.
     */
    public final boolean mayHaveReachedHandler() {
        return callFailure().kind().mayHaveReachedHandler();
    }
}
