package dev.consulmesh.autoconfigure;

import tools.jackson.databind.JsonNode;
import dev.consulmesh.client.MeshClient;
import dev.consulmesh.client.NodeReply;
import dev.consulmesh.testsupport.DockerConsul;
import dev.consulmesh.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.testcontainers.Testcontainers;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For machines with Docker: the same node-and-caller round trip as {@link MeshNodeConsulTest}, against
 * Consul in a container started by Testcontainers. Consul's TCP check reaches the node on the host
 * through Testcontainers' host-port tunnel. Skipped where no Docker engine runs.
 */
@org.testcontainers.junit.jupiter.Testcontainers(disabledWithoutDocker = true)
class MeshNodeDockerConsulTest {

    @Test
    void aNodeRegisteredInConsulInDockerIsDiscoveredAndCalled() {
        int tcpPort = FreePorts.next();
        Testcontainers.exposeHostPorts(tcpPort);
        try (DockerConsul consul = DockerConsul.start();
             ConfigurableApplicationContext node = start(EchoApps.EchoNode.class, consul, "docker-echo",
                     "mesh.tcp.port=" + tcpPort, "mesh.tcp.host=0.0.0.0",
                     "mesh.registration.check-host=host.testcontainers.internal");
             ConfigurableApplicationContext caller = start(EchoApps.Caller.class, consul, "docker-caller")) {
            NodeReply reply = caller.getBean(MeshClient.class).send("docker-echo", "echo", Map.of("n", 1))
                    .retryWhen(reactor.util.retry.Retry.fixedDelay(60, Duration.ofMillis(500)))
                    .block(Duration.ofSeconds(60));
            JsonNode echoed = reply.value();
            assertThat(echoed.at("/echo/n").asInt()).isEqualTo(1);
        }
    }

    private static ConfigurableApplicationContext start(Class<?> app, DockerConsul consul, String name, String... extra) {
        return new SpringApplicationBuilder(app).web(WebApplicationType.NONE).properties(
                        "spring.application.name=" + name,
                        "spring.cloud.consul.host=" + consul.host(),
                        "spring.cloud.consul.port=" + consul.httpPort(),
                        "mesh.tcp.advertised-host=127.0.0.1",
                        "mesh.registration.check-interval=1s",
                        "mesh.registration.drain-period=0s")
                .properties(extra).run();
    }
}
