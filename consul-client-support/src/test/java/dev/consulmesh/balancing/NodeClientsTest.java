package dev.consulmesh.balancing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.consulmesh.discovery.HealthyNodes;
import dev.consulmesh.discovery.ServiceNode;
import dev.consulmesh.transport.client.NodeUnreachableException;
import dev.consulmesh.transport.client.TcpClient;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.wire.PacketCodec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeClientsTest {

    private static ServiceNode node(String service, int port) {
        return new ServiceNode(service + "-127.0.0.1-" + port, service, "127.0.0.1", port, Map.of());
    }

    @Test
    void oneClientPerNodeSharedByEveryCall() {
        try (NodeClients clients = new NodeClients(TcpClientOptions.defaults(), new PacketCodec(new ObjectMapper()))) {
            assertThat(clients.clientFor(node("a", 1))).isSameAs(clients.clientFor(node("a", 1)));
            assertThat(clients.clientFor(node("a", 1))).isNotSameAs(clients.clientFor(node("a", 2)));
        }
    }

    @Test
    void retiresTheClientsOfNodesThatLeftTheHealthySetOfTheirServiceOnly() {
        try (NodeClients clients = new NodeClients(TcpClientOptions.defaults(), new PacketCodec(new ObjectMapper()))) {
            ServiceNode stays = node("a", 1);
            ServiceNode leaves = node("a", 2);
            ServiceNode otherService = node("b", 3);
            TcpClient leaving = clients.clientFor(leaves);
            clients.clientFor(stays);
            clients.clientFor(otherService);

            clients.retainOnly(new HealthyNodes("a", List.of(stays), 7, Instant.now()));

            assertThat(clients.clients()).containsOnlyKeys(stays, otherService);
            assertThatThrownBy(() -> leaving.send(JsonNodeFactory.instance.textNode("p"), JsonNodeFactory.instance.nullNode())
                    .blockLast(Duration.ofSeconds(5)))
                    .isInstanceOf(NodeUnreachableException.class).hasMessageContaining("closed");
        }
    }
}
