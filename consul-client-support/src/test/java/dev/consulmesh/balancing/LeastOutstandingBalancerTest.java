package dev.consulmesh.balancing;

import dev.consulmesh.pool.PooledNode;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

class LeastOutstandingBalancerTest {

    private static final RandomGenerator SEEDED = new SplittableRandom(42);

    @Test
    void ofTheTwoPickedNodesTakesTheOneWithFewerOutstandingRequests() {
        try (TestPools pools = new TestPools()) {
            List<PooledNode> nodes = pools.nodes(1, 2);
            for (int i = 0; i < 5; i++) {
                nodes.get(0).begin();
            }
            LeastOutstandingBalancer balancer = new LeastOutstandingBalancer(() -> SEEDED);
            for (int i = 0; i < 50; i++) {
                assertThat(balancer.choose(nodes).node().port()).isEqualTo(2);
            }
        }
    }

    @Test
    void aNodeWithMoreOutstandingRequestsLosesEveryDrawItIsIn() {
        try (TestPools pools = new TestPools()) {
            List<PooledNode> nodes = pools.nodes(1, 2, 3);
            PooledNode slow = nodes.get(0);
            for (int i = 0; i < 10; i++) {
                slow.begin();
            }
            LeastOutstandingBalancer balancer = new LeastOutstandingBalancer(() -> SEEDED);
            Map<Integer, Integer> picks = new HashMap<>();
            for (int i = 0; i < 3000; i++) {
                picks.merge(balancer.choose(nodes).node().port(), 1, Integer::sum);
            }
            // Whenever the slow node is drawn, the other node drawn has fewer outstanding requests.
            assertThat(picks.getOrDefault(1, 0)).isZero();
            assertThat(picks.get(2)).isBetween(1200, 1800);
            assertThat(picks.get(3)).isBetween(1200, 1800);
        }
    }

    @Test
    void oneCandidateIsTakenWithoutDrawing() {
        try (TestPools pools = new TestPools()) {
            List<PooledNode> nodes = pools.nodes(7);
            assertThat(new LeastOutstandingBalancer().choose(nodes).node().port()).isEqualTo(7);
        }
    }
}
