package dev.consulmesh.retry;

import dev.consulmesh.transport.client.ConnectionClosedException;
import dev.consulmesh.transport.client.NodeUnreachableException;
import dev.consulmesh.transport.client.RemoteErrorException;
import dev.consulmesh.transport.client.RequestTimeoutException;

/** Which failed attempts may be made again on another node. */
public final class RetryRule {

    private RetryRule() {
    }

    /**
     * A request that cannot have reached a handler (not written, or answered "no handler") may always
     * be retried; one that may have run only when its pattern is idempotent.
     */
    public static boolean mayRetry(Throwable failure, boolean idempotent) {
        if (failure instanceof NodeUnreachableException) {
            return true;
        }
        if (failure instanceof RemoteErrorException remote) {
            return remote.isNoHandler();
        }
        if (failure instanceof ConnectionClosedException || failure instanceof RequestTimeoutException) {
            return idempotent;
        }
        return false;
    }

    /** An event is sent again only when it was not written at all: it is never delivered twice. */
    public static boolean mayResendEvent(Throwable failure) {
        return failure instanceof NodeUnreachableException;
    }
}
