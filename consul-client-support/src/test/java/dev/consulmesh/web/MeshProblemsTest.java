package dev.consulmesh.web;

import dev.consulmesh.client.NoHealthyNodeException;
import dev.consulmesh.failure.FailureKind;
import dev.consulmesh.failure.UnusableAnswerException;
import dev.consulmesh.transport.client.ConnectionClosedException;
import dev.consulmesh.transport.client.RemoteErrorException;
import dev.consulmesh.transport.client.RequestTimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The problem an HTTP client gets for each failure of a mesh call, and what it never contains. */
class MeshProblemsTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String NODE = "10.0.0.21:3001";
    private static final MeshProblems PROBLEMS = new MeshProblems(false);

    private static RemoteErrorException remote(ObjectNode err) {
        return new RemoteErrorException(NODE, err, false);
    }

    @Test
    void eachKindHasTheStatusAGatewayAnswersWith() {
        for (FailureKind kind : EnumSet.allOf(FailureKind.class)) {
            int expected = switch (kind) {
                case NO_NODE -> 503;
                case TIMED_OUT -> 504;
                default -> 502;
            };
            assertThat(MeshProblems.statusOf(kind).value()).as(kind.name()).isEqualTo(expected);
        }
    }

    @Test
    void byDefaultNoAddressAndNoRemoteTextReachTheClient() {
        ResponseEntity<ProblemDetail> answer = PROBLEMS.answer(remote(JSON.objectNode().put("status", "error")
                .put("message", "db password expired")), "inventory");

        assertThat(answer.getStatusCode().value()).isEqualTo(502);
        assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(answer.getBody().getDetail()).isEqualTo("inventory answered with an error");
        assertThat(answer.getBody().getProperties()).containsEntry("service", "inventory");
        assertThat(answer.getBody().toString()).doesNotContain("10.0.0.21", "password");

        ProblemDetail timeout = PROBLEMS.problem(new RequestTimeoutException(NODE, "stock", Duration.ofSeconds(5)), null);
        assertThat(timeout.getStatus()).isEqualTo(504);
        assertThat(timeout.getDetail()).isEqualTo("the service did not answer in time");
        assertThat(timeout.toString()).doesNotContain("10.0.0.21");

        ProblemDetail noNode = PROBLEMS.problem(new NoHealthyNodeException("inventory",
                "cannot query Consul at http://10.0.0.11:8500 (connection refused)"), null);
        assertThat(noNode.getStatus()).isEqualTo(503);
        assertThat(noNode.getDetail()).isEqualTo("no healthy instance of service 'inventory'");
        assertThat(noNode.getProperties()).containsEntry("service", "inventory");
        assertThat(noNode.toString()).doesNotContain("10.0.0.11");

        ProblemDetail unusable = PROBLEMS.problem(UnusableAnswerException.of(NODE, new IllegalStateException("bad")), "inventory");
        assertThat(unusable.getStatus()).isEqualTo(502);
        assertThat(unusable.toString()).doesNotContain("10.0.0.21");
    }

    @Test
    void aNestStatusCodeOf4xxIsTheCallersErrorWithTheNodesMessage() {
        ProblemDetail notFound = PROBLEMS.problem(remote(JSON.objectNode().put("statusCode", 404)
                .put("message", "no order o-7").put("error", "Not Found")), "orders");

        assertThat(notFound.getStatus()).isEqualTo(404);
        assertThat(notFound.getDetail()).isEqualTo("no order o-7");
        assertThat(notFound.toString()).doesNotContain("10.0.0.21");
    }

    @Test
    void aNodes4xxThatSpringHasNoNameForIsAnsweredAsItIs() {
        ResponseEntity<ProblemDetail> answer = PROBLEMS.answer(remote(JSON.objectNode().put("statusCode", 499)
                .put("message", "client closed")), "orders");

        assertThat(answer.getStatusCode().value()).isEqualTo(499);
        assertThat(answer.getBody().getDetail()).isEqualTo("client closed");
    }

    @Test
    void aNestStatusCodeOutside4xxStaysTheNodesFailure() {
        ProblemDetail failed = PROBLEMS.problem(remote(JSON.objectNode().put("statusCode", 500)
                .put("message", "Internal server error")), "orders");

        assertThat(failed.getStatus()).isEqualTo(502);
        assertThat(failed.getDetail()).isEqualTo("orders answered with an error");
    }

    @Test
    void aValidationErrorIs400NamingTheFailingFields() {
        ObjectNode err = JSON.objectNode().put("status", "error");
        err.putArray("message").add("limit must be less than or equal to 100").add("items[0].name must not be blank")
                .add("limit must not be null");

        ProblemDetail invalid = PROBLEMS.problem(remote(err), "orders");

        assertThat(invalid.getStatus()).isEqualTo(400);
        assertThat(invalid.getDetail()).contains("limit must be less than or equal to 100");
        assertThat(invalid.getProperties()).containsEntry("fields", List.of("limit", "items[0].name"))
                .containsEntry("errors", List.of("limit must be less than or equal to 100",
                        "items[0].name must not be blank", "limit must not be null"));
    }

    @Test
    void noHandlerForThePatternIsTheMeshsFailureNotTheCallers() {
        ProblemDetail noHandler = PROBLEMS.problem(new RemoteErrorException(NODE, JSON.objectNode().put("statusCode", 404)
                .put("message", "There is no matching message handler defined in the remote service."), true), "orders");

        assertThat(noHandler.getStatus()).isEqualTo(502);
        assertThat(noHandler.getDetail()).isEqualTo("orders could not be reached");
    }

    @Test
    void aConnectionLostAfterTheWriteIs502() {
        ProblemDetail lost = PROBLEMS.problem(new ConnectionClosedException(NODE), "orders");

        assertThat(lost.getStatus()).isEqualTo(502);
        assertThat(lost.getDetail()).isEqualTo("orders lost the connection before it answered");
    }

    @Test
    void showDetailsPutsTheNodeAndWhatItSaidInTheProblem() {
        ProblemDetail remote = new MeshProblems(true).problem(remote(JSON.objectNode().put("status", "error")
                .put("message", "db password expired")), "inventory");

        assertThat(remote.getStatus()).isEqualTo(502);
        assertThat(remote.getDetail()).contains(NODE).contains("db password expired");
    }
}
