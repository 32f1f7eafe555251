package dev.consulmesh.client;

import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.discovery.DiscoveryProperties;
import dev.consulmesh.discovery.ServiceDiscovery;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.retry.IdempotentPatterns;
import dev.consulmesh.testsupport.FreePorts;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A call made while Consul cannot be reached and no healthy set is known yet. */
class MeshClientWithoutConsulTest {

    @Test
    void failsWithNoHealthyNodeSayingConsulHasNotAnswered() {
        DiscoveryProperties properties = new DiscoveryProperties();
        properties.setFirstAnswerTimeout(Duration.ofMillis(500));
        ObjectMapper mapper = new ObjectMapper();
        try (ServiceDiscovery discovery = new ServiceDiscovery(ConsulAgent.at("127.0.0.1", FreePorts.next()), properties);
             MeshClient mesh = MeshClient.builder(discovery, new NodeClients(TcpClientOptions.defaults(), new PacketCodec(mapper)),
                     mapper, new MeshClientProperties(), new IdempotentPatterns(new PatternRoute(mapper), List.of()),
                     MeshMetrics.inMemory()).build()) {
            assertThatThrownBy(() -> mesh.send("news", "fetchLatestNews", 0).block(Duration.ofSeconds(10)))
                    .isInstanceOf(NoHealthyNodeException.class)
                    .hasMessageContaining("no healthy instance of service 'news'")
                    .hasMessageContaining("Consul has not answered within 500 ms");
        }
    }
}
