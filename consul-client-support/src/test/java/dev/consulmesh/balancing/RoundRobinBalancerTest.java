package dev.consulmesh.balancing;

import dev.consulmesh.discovery.ServiceNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoundRobinBalancerTest {

    private static ServiceNode node(int port) {
        return new ServiceNode("svc-127.0.0.1-" + port, "svc", "127.0.0.1", port, Map.of());
    }

    @Test
    void takesTheNodesInTurn() {
        RoundRobinBalancer balancer = new RoundRobinBalancer();
        List<ServiceNode> nodes = List.of(node(1), node(2), node(3));
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ports.add(balancer.choose(nodes).port());
        }
        assertThat(ports).containsExactly(1, 2, 3, 1, 2, 3, 1);
    }

    @Test
    void spreadsEvenlyWhenTheSetChanges() {
        RoundRobinBalancer balancer = new RoundRobinBalancer();
        balancer.choose(List.of(node(1), node(2), node(3)));
        List<ServiceNode> two = List.of(node(1), node(2));
        long ones = 0;
        for (int i = 0; i < 100; i++) {
            ones += balancer.choose(two).port() == 1 ? 1 : 0;
        }
        assertThat(ones).isEqualTo(50);
    }

    @Test
    void keepsTurningPastIntegerOverflow() {
        RoundRobinBalancer balancer = new RoundRobinBalancer(Integer.MAX_VALUE - 1);
        List<ServiceNode> nodes = List.of(node(1), node(2), node(3));
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ports.add(balancer.choose(nodes).port());
        }
        // MAX-1 and MAX, then the negative counts after the wrap: still every node, none skipped twice in a row
        assertThat(ports).hasSize(6).containsOnly(1, 2, 3);
        for (int i = 1; i < ports.size(); i++) {
            assertThat(ports.get(i)).isNotEqualTo(ports.get(i - 1));
        }
    }

    @Test
    void refusesAnEmptySet() {
        assertThatThrownBy(() -> new RoundRobinBalancer().choose(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
