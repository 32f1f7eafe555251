package dev.consulmesh.gateway.news;

import dev.consulmesh.client.NoHealthyNodeException;
import dev.consulmesh.transport.client.RemoteErrorException;
import dev.consulmesh.transport.client.RequestTimeoutException;
import dev.consulmesh.web.MeshProblems;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.node.JsonNodeFactory;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an HTTP client learns of a failed call: the library's problem with its status and what failed for
 * the news service; the node's internals only when an operator asks.
 */
class GatewayErrorsTest {

    private static GatewayErrors errors(boolean showDetails) {
        return new GatewayErrors(new GatewayNewsProperties(), new MeshProblems(showDetails));
    }

    private static final RemoteErrorException REMOTE = new RemoteErrorException("10.0.0.21:3001",
            JsonNodeFactory.instance.objectNode().put("status", "error").put("message", "db password expired"), false);

    @Test
    void byDefaultNoAddressAndNoRemoteTextReachTheClient() {
        GatewayErrors errors = errors(false);

        ResponseEntity<ProblemDetail> remote = errors.callFailed(REMOTE);
        assertThat(remote.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(remote.getBody().getStatus()).isEqualTo(502);
        assertThat(remote.getBody().getDetail()).isEqualTo("push-service answered with an error");
        assertThat(remote.getBody().toString()).doesNotContain("10.0.0.21", "password");

        ProblemDetail timeout = errors.callFailed(new RequestTimeoutException("10.0.0.21:3001", "fetchLatestNews",
                Duration.ofSeconds(5))).getBody();
        assertThat(timeout.getStatus()).isEqualTo(504);
        assertThat(timeout.getDetail()).isEqualTo("push-service did not answer in time");

        ProblemDetail noNode = errors.callFailed(new NoHealthyNodeException("push-service",
                "cannot query Consul at http://10.0.0.11:8500 (connection refused)")).getBody();
        assertThat(noNode.getStatus()).isEqualTo(503);
        assertThat(noNode.getProperties()).containsEntry("service", "push-service");
        assertThat(noNode.getDetail()).isEqualTo("no healthy instance of service 'push-service'");
        assertThat(noNode.toString()).doesNotContain("10.0.0.11");
    }

    @Test
    void showDetailsPutsTheNodeAndWhatItSaidInTheBody() {
        ProblemDetail remote = errors(true).callFailed(REMOTE).getBody();

        assertThat(remote.getStatus()).isEqualTo(502);
        assertThat(remote.getDetail()).contains("10.0.0.21:3001").contains("db password expired");
    }
}
