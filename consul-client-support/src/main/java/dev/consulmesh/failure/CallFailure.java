package dev.consulmesh.failure;

import java.util.Objects;

/**
 * The one classification of a failed call, read by every place that decides about it: retries
 * ({@code RetryRule}), ejection ({@code ServicePool}), the connectivity probe and a caller's own status
 * mapping (the gateway's HTTP status). A failure that knows what it is says so
 * ({@link ClassifiedFailure}); any other is {@link FailureKind#UNEXPECTED}.
 *
 * @param kind  what happened
 * @param blame what it says about the node that was called
 * @param cause a few words on what failed, fit to follow "after" in a log line ("a refused connection");
 *              for remote errors the node's error message, so two answers can be compared; for
 *              timeouts how long the attempt waited ("500 ms")
 */
public record CallFailure(FailureKind kind, Blame blame, String cause) {

    /** What a failure says about the node that was called. */
    public enum Blame {
        /** The node cannot be reached or kept connected: it cannot serve any call now. */
        CONNECTION,
        /** The node answered, badly: counts against it when its peers do better. */
        ANSWER,
        /** The node did not answer in time. */
        SLOWNESS,
        /** Nothing: the failure happened on the caller's side, or before any node was chosen. */
        NONE
    }

    public CallFailure {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(blame, "blame");
        cause = cause == null ? "" : cause;
    }

    /** The classification of any failure of a call. */
    public static CallFailure of(Throwable failure) {
        if (failure instanceof ClassifiedFailure classified) {
            return classified.callFailure();
        }
        return new CallFailure(FailureKind.UNEXPECTED, Blame.ANSWER, String.valueOf(failure));
    }

    /** The node answered something (an error, "no handler", or an unusable value): its transport works. */
    public boolean nodeAnswered() {
        return blame == Blame.ANSWER && kind != FailureKind.UNEXPECTED;
    }

    /** True when this is the same error answer as {@code other}: the node gave what another one gave. */
    public boolean sameAnswerAs(CallFailure other) {
        return other != null && other.kind == kind && nodeAnswered() && other.cause.equals(cause);
    }
}
