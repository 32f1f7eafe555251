package dev.consulmesh.web;

import dev.consulmesh.client.NoHealthyNodeException;
import dev.consulmesh.transport.client.RemoteErrorException;
import dev.consulmesh.transport.client.RequestTimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** A Spring MVC controller that lets mesh failures out gets the same problems as a WebFlux one. */
class MeshProblemsMvcTest {

    private static final String NODE = "10.0.0.21:3001";

    @RestController
    static class FailingController {
        @GetMapping("/no-node")
        String noNode() {
            throw new NoHealthyNodeException("inventory", "Consul lists no passing instance");
        }

        @GetMapping("/timeout")
        String timeout() {
            throw new RequestTimeoutException(NODE, "stock", Duration.ofSeconds(2));
        }

        @GetMapping("/invalid")
        String invalid() {
            ObjectNode err = JsonNodeFactory.instance.objectNode().put("status", "error");
            err.putArray("message").add("quantity must be less than or equal to 100");
            throw new RemoteErrorException(NODE, err, false);
        }
    }

    private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new FailingController())
            .setControllerAdvice(new MeshProblemAdvice(new MeshProblems(false))).build();

    @Test
    void noHealthyNodeIsA503Problem() throws Exception {
        mvc.perform(get("/no-node")).andExpect(status().isServiceUnavailable())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(503))
                .andExpect(jsonPath("$.service").value("inventory"))
                .andExpect(jsonPath("$.detail").value("no healthy instance of service 'inventory'"));
    }

    @Test
    void aTimeoutIsA504ProblemWithoutTheNodesAddress() throws Exception {
        mvc.perform(get("/timeout")).andExpect(status().isGatewayTimeout())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value("the service did not answer in time"))
                .andExpect(content().string(not(containsString("10.0.0.21"))));
    }

    @Test
    void aRefusedPayloadIsA400ProblemNamingTheField() throws Exception {
        mvc.perform(get("/invalid")).andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.fields[0]").value("quantity"))
                .andExpect(jsonPath("$.errors[0]").value("quantity must be less than or equal to 100"));
    }
}
