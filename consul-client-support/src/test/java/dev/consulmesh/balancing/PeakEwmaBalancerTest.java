package dev.consulmesh.balancing;

import dev.consulmesh.pool.PooledNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PeakEwmaBalancerTest {

    /** One call on the node that took {@code millis}. */
    private static void answeredIn(PooledNode node, long millis) {
        node.begin();
        node.end(System.nanoTime() - millis * 1_000_000);
    }

    @Test
    void aNodeMuchSlowerThanItsPeersGetsAlmostNoCalls() {
        try (TestPools pools = new TestPools()) {
            List<PooledNode> nodes = pools.nodes(1, 2, 3);
            answeredIn(nodes.get(0), 1500);
            answeredIn(nodes.get(1), 5);
            answeredIn(nodes.get(2), 5);
            PeakEwmaBalancer balancer = new PeakEwmaBalancer();
            int slow = 0;
            for (int i = 0; i < 1000; i++) {
                if (balancer.choose(nodes) == nodes.get(0)) {
                    slow++;
                }
            }
            assertThat(slow).as("picks of the slow node out of 1000").isZero();
            assertThat(nodes.get(0).latencyMillis()).as("faded a little since").isBetween(1450.0, 1600.0);
        }
    }

    @Test
    void aFastNodeBuriedInOutstandingCallsCostsMoreThanASlowIdleOne() {
        try (TestPools pools = new TestPools()) {
            List<PooledNode> nodes = pools.nodes(1, 2);
            answeredIn(nodes.get(0), 100);
            answeredIn(nodes.get(1), 5);
            for (int i = 0; i < 30; i++) {
                nodes.get(1).begin();
            }
            assertThat(new PeakEwmaBalancer().choose(nodes)).isSameAs(nodes.get(0));
        }
    }

    @Test
    void thePeakIsTakenAtOnceAndFasterAnswersBringTheAverageDownGradually() {
        try (TestPools pools = new TestPools()) {
            PooledNode node = pools.nodes(1).get(0);
            answeredIn(node, 10);
            answeredIn(node, 800);
            assertThat(node.latencyMillis()).as("the peak (faded a little since)").isGreaterThan(780.0);
            answeredIn(node, 10);
            assertThat(node.latencyMillis()).as("one fast answer right after does not erase it").isGreaterThan(700.0);
        }
    }
}
