package dev.consulmesh.discovery;

import dev.consulmesh.consul.ConsulAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A change of one instance in a thousand: the watcher keeps the 999 others as the very objects it
 * had (the pool and the subset find them unchanged by identity), hands on one new one, and logs only
 * the change. Prints the CPU the watcher's thread spent per change (decoding Consul's whole answer
 * included: the health API answers the whole list).
 */
class HealthyNodesWatcherDiffTest {

    private static final String SERVICE = "wide";
    private static final int NODES = 1000;

    private FakeConsulHealthEndpoint consul;
    private HealthyNodesWatcher watcher;

    @AfterEach
    void stop() throws Exception {
        if (watcher != null) {
            watcher.close();
        }
        if (consul != null) {
            consul.close();
        }
    }

    @Test
    void aOneInstanceChangeKeepsTheOtherInstancesAsTheyWere() throws Exception {
        consul = new FakeConsulHealthEndpoint();
        List<String> ids = new ArrayList<>(IntStream.range(0, NODES).mapToObj(i -> String.format("wide-%04d", i)).toList());
        consul.healthList(SERVICE, ids.toArray(String[]::new));
        DiscoveryProperties properties = new DiscoveryProperties();
        properties.setWait(Duration.ofSeconds(5));
        watcher = new HealthyNodesWatcher(SERVICE, ConsulAgent.at("127.0.0.1", consul.port()), properties);
        HealthyNodes before = watcher.firstAnswer().get(10, TimeUnit.SECONDS);
        long thread = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("consul-watch-" + SERVICE))
                .findFirst().orElseThrow().getId();
        assertThat(before.nodes()).hasSize(NODES);

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int changes = 300;
        int warm = 150; // the first changes run while the JIT compiles the decoding: not counted
        long cpu = 0;
        HealthyNodes last = before;
        for (int change = 1; change <= changes; change++) {
            ids.set(NODES - 1, "wide-new-" + change); // the last instance replaced: same port, another id
            long cpuBefore = threads.getThreadCpuTime(thread);
            consul.healthList(SERVICE, ids.toArray(String[]::new));
            HealthyNodes previous = last;
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
                    .until(() -> watcher.current() != previous);
            if (change > warm) {
                cpu += threads.getThreadCpuTime(thread) - cpuBefore;
            }
            last = watcher.current();
        }
        Set<ServiceNode> kept = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        kept.addAll(before.nodes());
        long same = last.nodes().stream().filter(kept::contains).count();
        System.out.printf("one instance of %d replaced, %d times: %d instances kept as the same objects; the watcher's"
                + " thread spent %.3f ms CPU per change after the first %d (decoding the whole answer included)%n", NODES,
                changes, same, cpu / 1e6 / (changes - warm), warm);
        assertThat(same).isEqualTo(NODES - 1);
        assertThat(last.nodes()).extracting(ServiceNode::instanceId).contains("wide-new-" + changes)
                .doesNotContain("wide-new-" + (changes - 1));
        Map<String, InstanceHealth> registered = last.registered();
        assertThat(registered).hasSize(NODES);
    }
}
