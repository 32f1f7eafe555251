package dev.consulmesh.balancing;

import dev.consulmesh.client.NodeClients;
import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.discovery.HealthyNodes;
import dev.consulmesh.discovery.ServiceNode;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.pool.EjectionSettings;
import dev.consulmesh.pool.PooledNode;
import dev.consulmesh.pool.ServicePool;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.wire.PacketCodec;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** A service pool over nodes on unused ports, for tests of balancers: nothing connects until a call. */
final class TestPools implements AutoCloseable {

    private final NodeClients clients = new NodeClients(TcpClientOptions.defaults(), new PacketCodec(new ObjectMapper()));
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ServicePool pool = new ServicePool("svc", clients::open, clients.probe(java.time.Duration.ofSeconds(1)),
            EjectionSettings.defaults(), scheduler, MeshMetrics.inMemory());

    static ServiceNode node(int port) {
        return new ServiceNode("svc-127.0.0.1-" + port, "svc", "127.0.0.1", port, Map.of());
    }

    /** The pool's candidates for nodes on these (fake) ports, in port order. */
    List<PooledNode> nodes(int... ports) {
        pool.update(new HealthyNodes("svc", Arrays.stream(ports).mapToObj(TestPools::node).toList(), 1, Instant.now()));
        return pool.candidates(List.of());
    }

    @Override
    public void close() {
        pool.close();
        scheduler.shutdownNow();
        clients.close();
    }
}
