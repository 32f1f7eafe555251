package dev.consulmesh.failure;

/**
 * What happened to a failed call, in the terms every decision about it needs: whether it may be
 * made again, whether it tells against the node, and what status a caller reports for it.
 */
public enum FailureKind {

    /** No node could be called (none passing in Consul, or Consul did not answer): nothing was sent. */
    NO_NODE,
    /**
     * The request cannot have reached a handler: the connection was refused, not made, reset before
     * the write, closed on this side, or the node answered that no handler serves the pattern.
     */
    NOT_WRITTEN,
    /** The TLS handshake failed, so nothing was written. */
    TLS_HANDSHAKE,
    /** The request was written, then its connection closed or reset before the answer. */
    WRITTEN_THEN_FAILED,
    /** No answer within the attempt's timeout; the handler may have run. */
    TIMED_OUT,
    /** The node's handler answered with an error. */
    REMOTE_ERROR,
    /** The node answered, but the caller cannot use the answer (wrong shape or type). */
    UNUSABLE_ANSWER,
    /** Anything else: a failure this classification does not know. */
    UNEXPECTED;

    /** False when no handler can have run the request: making it again cannot run it twice. */
    public boolean mayHaveReachedHandler() {
        return switch (this) {
            case NO_NODE, NOT_WRITTEN, TLS_HANDSHAKE -> false;
            case WRITTEN_THEN_FAILED, TIMED_OUT, REMOTE_ERROR, UNUSABLE_ANSWER, UNEXPECTED -> true;
        };
    }
}
