package dev.consulmesh.failure;

import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.client.NoHealthyNodeException;
import dev.consulmesh.retry.RetryRule;
import dev.consulmesh.transport.client.ConnectionClosedException;
import dev.consulmesh.transport.client.NodeUnreachableException;
import dev.consulmesh.transport.client.RemoteErrorException;
import dev.consulmesh.transport.client.RequestTimeoutException;
import dev.consulmesh.transport.client.TransportException;
import dev.consulmesh.transport.client.UnreachableReason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CallFailureTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String NODE = "127.0.0.1:1";

    private static RemoteErrorException remote(String message, boolean noHandler) {
        return new RemoteErrorException(NODE, MAPPER.getNodeFactory().stringNode(message), noHandler);
    }

    @Test
    void eachFailureOfACallHasOneKindAndOneBlame() {
        assertThat(CallFailure.of(new NodeUnreachableException(NODE, UnreachableReason.REFUSED, "connection refused", null)))
                .isEqualTo(new CallFailure(FailureKind.NOT_WRITTEN, CallFailure.Blame.CONNECTION, "a refused connection"));
        assertThat(CallFailure.of(new NodeUnreachableException(NODE, UnreachableReason.TLS_HANDSHAKE, "bad cert", null)).kind())
                .isEqualTo(FailureKind.TLS_HANDSHAKE);
        assertThat(CallFailure.of(new NodeUnreachableException(NODE, UnreachableReason.CLIENT_CLOSED, "closed", null)).blame())
                .as("closed on this side: not the node's fault").isEqualTo(CallFailure.Blame.NONE);
        assertThat(CallFailure.of(new ConnectionClosedException(NODE)).kind()).isEqualTo(FailureKind.WRITTEN_THEN_FAILED);
        assertThat(CallFailure.of(new RequestTimeoutException(NODE, "p", Duration.ofMillis(500))))
                .isEqualTo(new CallFailure(FailureKind.TIMED_OUT, CallFailure.Blame.SLOWNESS, "500 ms"));
        assertThat(CallFailure.of(remote("boom", false)))
                .isEqualTo(new CallFailure(FailureKind.REMOTE_ERROR, CallFailure.Blame.ANSWER, "boom"));
        assertThat(CallFailure.of(remote("There is no matching message handler defined in the remote service.", true)).kind())
                .isEqualTo(FailureKind.NOT_WRITTEN);
        assertThat(CallFailure.of(UnusableAnswerException.of(NODE, new UnusableAnswerException("expected an array"))))
                .isEqualTo(new CallFailure(FailureKind.UNUSABLE_ANSWER, CallFailure.Blame.ANSWER, "expected an array"));
        assertThat(CallFailure.of(new NoHealthyNodeException("svc", "none")).kind()).isEqualTo(FailureKind.NO_NODE);
        assertThat(CallFailure.of(new IllegalStateException("?")).kind()).isEqualTo(FailureKind.UNEXPECTED);
    }

    @Test
    void whatTheExceptionSaysAboutReachingAHandlerIsWhatRetryActsOn() {
        List<TransportException> failures = List.of(
                new NodeUnreachableException(NODE, UnreachableReason.REFUSED, "refused", null),
                new NodeUnreachableException(NODE, UnreachableReason.TLS_HANDSHAKE, "bad cert", null),
                new ConnectionClosedException(NODE),
                new RequestTimeoutException(NODE, "p", Duration.ofSeconds(1)),
                remote("boom", false),
                remote("no handler", true));
        for (TransportException failure : failures) {
            assertThat(RetryRule.mayRetry(failure.callFailure(), null, false))
                    .as("a non-idempotent call after %s", failure.getMessage())
                    .isEqualTo(!failure.mayHaveReachedHandler());
        }
    }

    @Test
    void anUnusableAnswerNamesTheNodeThatGaveIt() {
        UnusableAnswerException attributed = UnusableAnswerException.of(NODE, new IllegalArgumentException("no field id"));
        assertThat(attributed.node()).isEqualTo(NODE);
        assertThat(attributed.getMessage()).isEqualTo(NODE + " gave an answer the caller cannot use: no field id");
        assertThat(attributed.callFailure().kind()).isEqualTo(FailureKind.UNUSABLE_ANSWER);
    }
}
