package dev.consulmesh.gateway.news;

import dev.consulmesh.client.NoHealthyNodeException;
import dev.consulmesh.transport.client.RemoteErrorException;
import dev.consulmesh.transport.client.RequestTimeoutException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What an HTTP client learns of a failed call: its status and what failed; the node's internals only when an operator asks. */
class GatewayErrorsTest {

    private static GatewayErrors errors(boolean showDetails) {
        GatewayErrorProperties properties = new GatewayErrorProperties();
        properties.setShowDetails(showDetails);
        return new GatewayErrors(new GatewayNewsProperties(), properties);
    }

    private static final RemoteErrorException REMOTE = new RemoteErrorException("10.0.0.21:3001",
            JsonNodeFactory.instance.objectNode().put("status", "error").put("message", "db password expired"), false);

    @Test
    void byDefaultNoAddressAndNoRemoteTextReachTheClient() {
        GatewayErrors errors = errors(false);

        Map<String, Object> remote = errors.callFailed(REMOTE).getBody();
        assertThat(remote).containsEntry("status", 502).containsEntry("message", "push-service answered with an error");
        assertThat(remote.toString()).doesNotContain("10.0.0.21", "password");

        Map<String, Object> timeout = errors.callFailed(new RequestTimeoutException("10.0.0.21:3001", "fetchLatestNews",
                Duration.ofSeconds(5))).getBody();
        assertThat(timeout).containsEntry("status", 504).containsEntry("message", "push-service did not answer in time");

        Map<String, Object> noNode = errors.callFailed(new NoHealthyNodeException("push-service",
                "cannot query Consul at http://10.0.0.11:8500 (connection refused)")).getBody();
        assertThat(noNode).containsEntry("status", 503).containsEntry("service", "push-service")
                .containsEntry("message", "no healthy instance of service 'push-service'");
    }

    @Test
    void showDetailsPutsTheNodeAndWhatItSaidInTheBody() {
        Map<String, Object> remote = errors(true).callFailed(REMOTE).getBody();

        assertThat(remote).containsEntry("status", 502);
        assertThat((String) remote.get("message")).contains("10.0.0.21:3001").contains("db password expired");
    }
}
