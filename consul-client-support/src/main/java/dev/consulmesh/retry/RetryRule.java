package dev.consulmesh.retry;

import dev.consulmesh.failure.CallFailure;

/** Which failed attempts may be made again on another node, read from the failure's classification. */
public final class RetryRule {

    private RetryRule() {
    }

    /**
     * A request that cannot have reached a handler may always be retried; one that may have run only
     * when its pattern is idempotent. An error answer is retried (idempotent patterns only) unless the
     * previous attempt got the same error from another node: an error every node gives is the caller's
     * (bad input), and asking a third node would not change it.
     *
     * @param previous the failure of the call's previous attempt, null on the first
     */
    public static boolean mayRetry(CallFailure failure, CallFailure previous, boolean idempotent) {
        return switch (failure.kind()) {
            case NOT_WRITTEN, TLS_HANDSHAKE -> true;
            case WRITTEN_THEN_FAILED, TIMED_OUT, UNUSABLE_ANSWER -> idempotent;
            case REMOTE_ERROR -> idempotent && !failure.sameAnswerAs(previous);
            case NO_NODE, UNEXPECTED -> false;
        };
    }

    /** An event is sent again only when it was not written at all: it is never delivered twice. */
    public static boolean mayResendEvent(CallFailure failure) {
        return switch (failure.kind()) {
            case NOT_WRITTEN, TLS_HANDSHAKE -> true;
            default -> false;
        };
    }
}
