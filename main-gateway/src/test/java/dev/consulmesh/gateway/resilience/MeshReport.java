package dev.consulmesh.gateway.resilience;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.util.List;
import java.util.Optional;

/**
 * What the gateway's {@code /actuator/mesh} says about one service: how many of its nodes it would
 * use, and per node its state ("healthy", "ejected", "draining") and the diagnosis of its last trouble.
 */
record MeshReport(String service, int usable, boolean panic, String consul, List<Node> nodes) {

    private static final ObjectMapper JSON = tools.jackson.databind.json.JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    record Node(String instanceId, String address, String state, long outstanding, long successes, long failures,
                String diagnosis) {

        boolean isHealthy() {
            return "healthy".equals(state);
        }
    }

    static MeshReport of(JsonNode mesh, String service) {
        JsonNode report = mesh.path("services").path(service);
        if (!report.path("nodes").isArray()) {
            throw new IllegalStateException("/actuator/mesh lists no nodes of service '" + service + "': " + mesh);
        }
        try {
            List<Node> nodes = List.of(JSON.treeToValue(report.path("nodes"), Node[].class));
            return new MeshReport(service, report.path("usable").asInt(), report.path("panic").asBoolean(),
                    report.path("consul").isNull() ? null : report.path("consul").asString(null), nodes);
        } catch (JacksonException e) {
            throw new IllegalStateException("/actuator/mesh lists the nodes of '" + service + "' in an unexpected shape: "
                    + report, e);
        }
    }

    Optional<Node> node(String instanceId) {
        return nodes.stream().filter(node -> node.instanceId().equals(instanceId)).findFirst();
    }
}
