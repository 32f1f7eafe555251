package dev.consulmesh.client;

import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.discovery.DiscoveryProperties;
import dev.consulmesh.discovery.ServiceDiscovery;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.retry.IdempotentPatterns;
import dev.consulmesh.testsupport.LocalConsulAgent;
import dev.consulmesh.testsupport.TestNode;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Failover to another datacenter with two real Consul datacenters joined over the WAN on this machine
 * (dev agents dc1 and dc2): the caller in dc1 calls dc1's nodes; when they are killed under load its
 * calls go to dc2 with no failed call, and back to dc1 once nodes pass there again. Times printed.
 */
class MeshClientDatacenterFailoverConsulTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final List<AutoCloseable> started = new ArrayList<>();

    /** Answers with its datacenter's name. */
    public record Answering(String datacenter) {
        @MessagePattern("where")
        public String where() {
            return datacenter;
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (RuntimeException ignored) {
                // closed already
            }
        }
    }

    @Test
    void callsFailOverToTheNextDatacenterWhenNoLocalNodeIsLeftAndComeBack() throws Exception {
        LocalConsulAgent dc1 = LocalConsulAgent.start();
        started.add(dc1);
        LocalConsulAgent dc2 = LocalConsulAgent.start(List.of("-datacenter", "dc2"));
        started.add(dc2);
        dc2.joinWan(dc1);
        await().atMost(Duration.ofSeconds(30)).until(() -> dc1.http().get("/v1/catalog/datacenters").contains("dc2"));

        List<TestNode> local = new ArrayList<>(List.of(TestNode.start(dc1, "svc", new Answering("dc1")),
                TestNode.start(dc1, "svc", new Answering("dc1"))));
        started.addAll(local);
        started.add(TestNode.start(dc2, "svc", new Answering("dc2")));
        started.add(TestNode.start(dc2, "svc", new Answering("dc2")));

        MeshClientProperties properties = new MeshClientProperties();
        properties.setFailoverDatacenters(List.of("dc2"));
        properties.setAttemptTimeout(Duration.ofMillis(500));
        ServiceDiscovery discovery = new ServiceDiscovery(ConsulAgent.at(dc1.host(), dc1.httpPort()), new DiscoveryProperties());
        NodeClients clients = new NodeClients(properties.toOptions(), new PacketCodec(MAPPER));
        MeshClient mesh = MeshClient.builder(discovery, clients, MAPPER, properties,
                new IdempotentPatterns(new PatternRoute(MAPPER), List.of("where")), MeshMetrics.inMemory()).build();
        started.add(discovery);
        started.add(clients);
        started.add(mesh);
        mesh.prepare("svc");
        await().atMost(Duration.ofSeconds(15)).until(() -> mesh.status().get("svc").usable() == 4);

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong lastDc1 = new AtomicLong();
        AtomicLong firstDc2 = new AtomicLong();
        AtomicLong firstDc1Again = new AtomicLong();
        AtomicBoolean killed = new AtomicBoolean();
        AtomicBoolean restored = new AtomicBoolean();
        ExecutorService load = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            load.submit(() -> {
                while (running.get()) {
                    try {
                        String where = mesh.send("svc", "where", null, String.class).block(Duration.ofSeconds(5));
                        calls.incrementAndGet();
                        long now = System.nanoTime();
                        if ("dc1".equals(where)) {
                            lastDc1.set(now);
                            if (restored.get()) {
                                firstDc1Again.compareAndSet(0, now);
                            }
                        } else if (killed.get()) {
                            firstDc2.compareAndSet(0, now);
                        }
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                    }
                }
            });
        }
        Thread.sleep(1000);
        int before = calls.get();
        assertThat(firstDc2.get()).isZero();

        long killedAt = System.nanoTime();
        killed.set(true);
        for (TestNode node : local) {
            node.server().stop(); // killed: no deregistration, its port refuses
        }
        Thread.sleep(3000);
        int duringOutage = calls.get() - before;

        for (int i = 0; i < 2; i++) {
            TestNode back = TestNode.start(dc1, "svc", new Answering("dc1"));
            started.add(back);
        }
        long restoredAt = System.nanoTime();
        restored.set(true);
        await().atMost(Duration.ofSeconds(20)).until(() -> firstDc1Again.get() != 0);
        Thread.sleep(500);
        running.set(false);
        load.shutdown();
        load.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);

        System.out.printf("dc1 nodes killed under load (4 callers): first call answered in dc2 %d ms after the kill; "
                        + "%d calls during the 3 s outage, %d failed in all of %d calls%n",
                (firstDc2.get() - killedAt) / 1_000_000, duringOutage, failed.get(), calls.get());
        System.out.printf("dc1 nodes registered again: calls back in dc1 after %d ms%n",
                (firstDc1Again.get() - restoredAt) / 1_000_000);
        assertThat(firstDc2.get()).isNotZero();
        assertThat(failed.get()).isZero();
        assertThat(mesh.status().get("svc").nodes()).extracting(NodeReport::datacenter).contains("dc1", "dc2");
    }
}
