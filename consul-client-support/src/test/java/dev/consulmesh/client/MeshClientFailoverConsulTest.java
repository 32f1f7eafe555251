package dev.consulmesh.client;

import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.discovery.DiscoveryProperties;
import dev.consulmesh.discovery.ServiceDiscovery;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.retry.IdempotentPatterns;
import dev.consulmesh.testsupport.FreePorts;
import dev.consulmesh.testsupport.TestConsul;
import dev.consulmesh.testsupport.TestNode;
import dev.consulmesh.testsupport.StartedResources;
import dev.consulmesh.transport.client.ConnectionClosedException;
import dev.consulmesh.transport.server.EventPattern;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The mesh client against a real Consul agent in which, beside two working nodes, Consul lists a node
 * that refuses connections and one that reads a request and hangs up: calls fail over where that
 * cannot run anything twice, and never where it could.
 */
class MeshClientFailoverConsulTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final StartedResources started = new StartedResources();
    private final Handlers handlers = new Handlers();
    private TestConsul consul;
    private MeshMetrics metrics;
    private MeshClient mesh;

    /** The working nodes' handlers, counting what they ran. */
    public static final class Handlers {
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger writes = new AtomicInteger();
        final AtomicInteger events = new AtomicInteger();

        @MessagePattern("read")
        public String read() {
            reads.incrementAndGet();
            return "news";
        }

        @MessagePattern("write")
        public String write() {
            writes.incrementAndGet();
            return "written";
        }

        @EventPattern("event")
        public void event() {
            events.incrementAndGet();
        }
    }

    @BeforeEach
    void start() {
        consul = TestConsul.start();
        started.add(consul);
        started.add(TestNode.start(consul, "svc", handlers));
        started.add(TestNode.start(consul, "svc", handlers));
        DiscoveryProperties discovery = new DiscoveryProperties();
        MeshClientProperties properties = new MeshClientProperties();
        properties.setAttemptTimeout(Duration.ofSeconds(1));
        metrics = MeshMetrics.inMemory();
        ServiceDiscovery serviceDiscovery = new ServiceDiscovery(ConsulAgent.at(consul.host(), consul.httpPort()), discovery);
        NodeClients clients = new NodeClients(properties.toOptions(), new PacketCodec(MAPPER));
        mesh = MeshClient.builder(serviceDiscovery, clients, MAPPER, properties,
                new IdempotentPatterns(new PatternRoute(MAPPER), List.of("read")), metrics).build();
        started.add(serviceDiscovery);
        started.add(clients);
        started.add(mesh);
    }

    @AfterEach
    void stop() throws Exception {
        started.close();
    }

    /** Registers an instance without a check: Consul lists it as passing whatever listens there. */
    private String registerWithoutCheck(int port) {
        String id = "svc-unchecked-" + port;
        consul.http().put("/v1/agent/service/register", """
                {"ID":"%s","Name":"svc","Address":"127.0.0.1","Port":%d}""".formatted(id, port));
        return id;
    }

    private void awaitListed(int count) {
        mesh.prepare("svc");
        await().atMost(Duration.ofSeconds(10)).until(() -> mesh.status().get("svc").listed() == count);
    }

    private double retries() {
        return metrics.registry().get("mesh.client.retries").counter().count();
    }

    private NodeReport node(String instanceId) {
        return mesh.status().get("svc").nodes().stream().filter(n -> n.instanceId().equals(instanceId)).findFirst().orElseThrow();
    }

    @Test
    void aRefusingNodeCostsNoCallAndIsEjectedWithADiagnosisThatNamesTheMismatch() {
        String refusing = registerWithoutCheck(FreePorts.next());
        awaitListed(3);

        for (int i = 0; i < 30; i++) {
            assertThat(mesh.send("svc", "read", null).block(Duration.ofSeconds(10)).value().asString()).isEqualTo("news");
        }

        assertThat(retries()).as("the refused attempt was made again").isGreaterThanOrEqualTo(1);
        assertThat(handlers.reads).hasValue(30);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(node(refusing).diagnosis())
                .startsWith("Consul reports passing but 127.0.0.1:").contains("refuses connections"));
        assertThat(node(refusing).state()).isEqualTo("ejected");
        assertThat(mesh.status().get("svc").usable()).isEqualTo(2);
    }

    @Test
    void aReadThatReachedANodeWhichHungUpIsMadeAgainOnAnotherNode() throws Exception {
        try (HangUpNode hangUp = new HangUpNode()) {
            String hangUpId = registerWithoutCheck(hangUp.port());
            awaitListed(3);

            for (int i = 0; i < 6; i++) {
                assertThat(mesh.send("svc", "read", null).block(Duration.ofSeconds(10)).value().asString()).isEqualTo("news");
            }

            assertThat(hangUp.requestsRead()).as("the hang-up node read a request").isPositive();
            assertThat(retries()).isGreaterThanOrEqualTo(1);
            assertThat(node(hangUpId).state()).isEqualTo("ejected");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(node(hangUpId).diagnosis())
                    .contains("accepts connections but closes them before answering"));
        }
    }

    @Test
    void aWriteThatMayHaveRunIsNeverMadeAgain() throws Exception {
        try (HangUpNode hangUp = new HangUpNode()) {
            registerWithoutCheck(hangUp.port());
            awaitListed(3);

            int writesOk = 0;
            int writesLost = 0;
            for (int i = 0; i < 6; i++) {
                try {
                    mesh.send("svc", "write", null).block(Duration.ofSeconds(10));
                    writesOk++;
                } catch (ConnectionClosedException e) {
                    writesLost++;
                }
            }

            assertThat(hangUp.requestsRead()).as("the hang-up node read a write").isPositive();
            assertThat(writesLost).as("the write it read failed rather than being made again").isEqualTo(1);
            assertThat(handlers.writes).as("no write ran twice").hasValue(writesOk);
            assertThat(retries()).isZero();
        }
    }

    @Test
    void anEventIsSentAgainOnlyWhenItWasNotWritten() {
        registerWithoutCheck(FreePorts.next());
        awaitListed(3);

        for (int i = 0; i < 12; i++) {
            mesh.emit("svc", "event", i).block(Duration.ofSeconds(10));
        }

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(handlers.events).hasValue(12));
        assertThat(retries()).isGreaterThanOrEqualTo(1);
    }

    /** Accepts connections, reads whatever comes, and closes each connection after its first bytes. */
    private static final class HangUpNode implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final AtomicInteger requestsRead = new AtomicInteger();
        private final Thread thread = new Thread(this::serve, "hang-up-node");

        HangUpNode() throws IOException {
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        int requestsRead() {
            return requestsRead.get();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                    InputStream in = connection.getInputStream();
                    connection.setSoTimeout(2000);
                    if (in.read(new byte[4096]) > 0) {
                        requestsRead.incrementAndGet();
                    }
                } catch (IOException e) {
                    // closed, or the peer went away
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
