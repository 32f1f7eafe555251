package dev.consulmesh.retry;

import dev.consulmesh.failure.CallFailure;
import dev.consulmesh.failure.CallFailure.Blame;
import dev.consulmesh.failure.FailureKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryRuleTest {

    private static CallFailure of(FailureKind kind, Blame blame, String cause) {
        return new CallFailure(kind, blame, cause);
    }

    @Test
    void aRequestThatReachedNoHandlerIsAlwaysRetriedOneThatMayHaveRunOnlyWhenIdempotent() {
        assertThat(RetryRule.mayRetry(of(FailureKind.NOT_WRITTEN, Blame.CONNECTION, ""), null, false)).isTrue();
        assertThat(RetryRule.mayRetry(of(FailureKind.TLS_HANDSHAKE, Blame.CONNECTION, ""), null, false)).isTrue();
        for (FailureKind kind : new FailureKind[] {FailureKind.WRITTEN_THEN_FAILED, FailureKind.TIMED_OUT,
                FailureKind.UNUSABLE_ANSWER, FailureKind.REMOTE_ERROR}) {
            assertThat(RetryRule.mayRetry(of(kind, Blame.ANSWER, "x"), null, false)).as("%s, not idempotent", kind).isFalse();
            assertThat(RetryRule.mayRetry(of(kind, Blame.ANSWER, "x"), null, true)).as("%s, idempotent", kind).isTrue();
        }
        assertThat(RetryRule.mayRetry(of(FailureKind.NO_NODE, Blame.NONE, ""), null, true)).isFalse();
        assertThat(RetryRule.mayRetry(of(FailureKind.UNEXPECTED, Blame.ANSWER, ""), null, true)).isFalse();
    }

    @Test
    void anErrorAnswerAnotherNodeGaveToo_isTheCallersAndNotRetriedAgain() {
        CallFailure bad = of(FailureKind.REMOTE_ERROR, Blame.ANSWER, "latestTime must be a number");
        CallFailure other = of(FailureKind.REMOTE_ERROR, Blame.ANSWER, "database down");

        assertThat(RetryRule.mayRetry(bad, null, true)).as("first error: another node may answer").isTrue();
        assertThat(RetryRule.mayRetry(bad, other, true)).as("a different error before").isTrue();
        assertThat(RetryRule.mayRetry(bad, bad, true)).as("the same error twice: every node gives it").isFalse();
    }

    @Test
    void anEventIsSentAgainOnlyWhenItWasNotWritten() {
        assertThat(RetryRule.mayResendEvent(of(FailureKind.NOT_WRITTEN, Blame.CONNECTION, ""))).isTrue();
        assertThat(RetryRule.mayResendEvent(of(FailureKind.WRITTEN_THEN_FAILED, Blame.CONNECTION, ""))).isFalse();
    }
}
