package dev.consulmesh.bench.balancing;

import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.balancing.BalancingStrategy;
import dev.consulmesh.balancing.LoadBalancer;
import dev.consulmesh.client.NodeClients;
import dev.consulmesh.discovery.HealthyNodes;
import dev.consulmesh.discovery.ServiceNode;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.pool.EjectionSettings;
import dev.consulmesh.pool.PooledNode;
import dev.consulmesh.pool.ServicePool;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.wire.PacketCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Picking the node for one call among 1 to 16 healthy nodes of a service, with each strategy.
 * {@code choose} is the balancer alone over the candidate list; {@code selectForCall} is what
 * {@code MeshClient} does around one successful attempt apart from the transport: the pool's candidate
 * list for a call that tried no node yet, the balancer's choice, the call's list of tried nodes, the
 * node's outstanding count up and down, and the pool's success bookkeeping. The pool is a real
 * {@link ServicePool} fed a Consul answer; its clients never connect.
 */
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NodeSelectionBenchmark {

    @Param({"1", "2", "4", "8", "16"})
    public int nodes;

    @Param({"ROUND_ROBIN", "LEAST_OUTSTANDING"})
    public BalancingStrategy strategy;

    private NodeClients clients;
    private ScheduledExecutorService probes;
    private ServicePool pool;
    private LoadBalancer balancer;
    private List<PooledNode> candidates;

    @Setup
    public void setUp() {
        MeshMetrics metrics = MeshMetrics.inMemory();
        PacketCodec codec = new PacketCodec(new ObjectMapper());
        TcpClientOptions options = TcpClientOptions.defaults();
        clients = new NodeClients(options, codec, metrics);
        probes = Executors.newSingleThreadScheduledExecutor();
        // As MeshClient builds a service's pool.
        pool = new ServicePool("push-service", clients::open, clients.probe(Duration.ofSeconds(1)), EjectionSettings.defaults(),
                probes, metrics);
        List<ServiceNode> listed = new ArrayList<>(nodes);
        for (int i = 0; i < nodes; i++) {
            int port = 3001 + i;
            listed.add(new ServiceNode("push-service-127.0.0.1-" + port, "push-service", "127.0.0.1", port, Map.of()));
        }
        pool.update(new HealthyNodes("push-service", listed, 1, Instant.now()));
        balancer = strategy.newBalancer();
        candidates = pool.candidates(List.of());
        if (candidates.size() != nodes) {
            throw new IllegalStateException("expected " + nodes + " candidates, the pool has " + candidates.size());
        }
    }

    @TearDown
    public void tearDown() {
        pool.close();
        probes.shutdownNow();
        clients.close();
    }

    @Benchmark
    public PooledNode choose() {
        return balancer.choose(candidates);
    }

    /** Mirrors MeshClient.attempt and its success path; keep it in step with that method. */
    @Benchmark
    public PooledNode selectForCall() {
        List<PooledNode> tried = new ArrayList<>(2);
        PooledNode node = balancer.choose(pool.candidates(tried));
        tried.add(node);
        node.begin();
        node.end();
        pool.succeeded(node);
        return node;
    }
}
