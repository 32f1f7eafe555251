package dev.consulmesh.balancing;

import dev.consulmesh.pool.PooledNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoundRobinBalancerTest {

    @Test
    void takesTheNodesInTurn() {
        try (TestPools pools = new TestPools()) {
            RoundRobinBalancer balancer = new RoundRobinBalancer();
            List<PooledNode> nodes = pools.nodes(1, 2, 3);
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                ports.add(balancer.choose(nodes).node().port());
            }
            assertThat(ports).containsExactly(1, 2, 3, 1, 2, 3, 1);
        }
    }

    @Test
    void spreadsEvenlyWhenTheSetChanges() {
        try (TestPools pools = new TestPools()) {
            RoundRobinBalancer balancer = new RoundRobinBalancer();
            balancer.choose(pools.nodes(1, 2, 3));
            List<PooledNode> two = pools.nodes(1, 2);
            long ones = 0;
            for (int i = 0; i < 100; i++) {
                ones += balancer.choose(two).node().port() == 1 ? 1 : 0;
            }
            assertThat(ones).isEqualTo(50);
        }
    }

    @Test
    void keepsTurningPastIntegerOverflow() {
        try (TestPools pools = new TestPools()) {
            RoundRobinBalancer balancer = new RoundRobinBalancer(Integer.MAX_VALUE - 1);
            List<PooledNode> nodes = pools.nodes(1, 2, 3);
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ports.add(balancer.choose(nodes).node().port());
            }
            // MAX-1 and MAX, then the counts after the wrap: still every node, none twice in a row
            assertThat(ports).hasSize(6).containsOnly(1, 2, 3);
            for (int i = 1; i < ports.size(); i++) {
                assertThat(ports.get(i)).isNotEqualTo(ports.get(i - 1));
            }
        }
    }

    @Test
    void refusesAnEmptySet() {
        assertThatThrownBy(() -> new RoundRobinBalancer().choose(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
