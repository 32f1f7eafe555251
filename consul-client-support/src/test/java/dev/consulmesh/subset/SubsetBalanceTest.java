package dev.consulmesh.subset;

import dev.consulmesh.discovery.HealthyNodes;
import dev.consulmesh.discovery.ServiceNode;
import dev.consulmesh.discovery.ServiceWeights;
import dev.consulmesh.traffic.CanaryRule;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Subsetting's balance and stability over a thousand nodes and fifty callers, computed (no network): the
 * load each node gets when every caller spreads its calls over its subset by weight, how many
 * connections a caller keeps, and how many (caller, node) assignments move when a caller joins or
 * leaves or a node leaves. Prints the figures.
 */
class SubsetBalanceTest {

    private static final int SIZE = 32;

    @Test
    void aThousandNodesAndFiftyCallersGetEvenLoadWithinTheSubsetSize() {
        for (int nodeCount : new int[]{1000, 997, 990, 901, 100, 33}) {
            HealthyNodes all = nodes(nodeCount, Map.of());
            Map<String, Set<String>> subsets = subsets(all, 50);
            double[] load = load(all, 50);
            double spread = max(load) / min(load);
            int widest = subsets.values().stream().mapToInt(Set::size).max().orElseThrow();
            System.out.printf("%d nodes x 50 callers, size %d: connections per caller <= %d, requests per node max/min %.4f%n",
                    nodeCount, SIZE, widest, spread);
            assertThat(widest).isLessThanOrEqualTo(SIZE);
            assertThat(spread).isLessThanOrEqualTo(1.05);
            assertThat(min(load)).isPositive();
        }
    }

    @Test
    void aSmallServiceIsLeftExactlyAsConsulListsIt() {
        HealthyNodes all = nodes(SIZE, Map.of());
        assertThat(SubsetSelection.of(all, new CallerPosition(3, 50, true), SIZE, null, "zone")).isSameAs(all);
        assertThat(SubsetSelection.of(nodes(500, Map.of()), new CallerPosition(3, 50, true), 0, null, "zone").nodes())
                .hasSize(500);
    }

    @Test
    void fewCallersStillCoverEveryNode() {
        HealthyNodes all = nodes(1000, Map.of());
        Map<String, Set<String>> subsets = subsets(all, 10);
        Set<String> covered = new HashSet<>();
        subsets.values().forEach(covered::addAll);
        assertThat(covered).hasSize(1000);
        assertThat(subsets.values()).allSatisfy(subset -> assertThat(subset).hasSize(100));
        assertThat(SubsetSelection.of(all, new CallerPosition(0, 1, true), SIZE, null, null).nodes()).hasSize(1000);
    }

    @Test
    void aCallerJoiningOrLeavingAndANodeLeavingMoveFewAssignments() {
        HealthyNodes all = nodes(1000, Map.of());
        Map<String, Set<String>> before = subsets(all, 50);
        int assignments = before.values().stream().mapToInt(Set::size).sum();

        Map<String, Set<String>> joined = subsets(all, 51);
        int movedOnJoin = moved(before, joined);
        Map<String, Set<String>> left = subsets(all, 49);
        int movedOnLeave = moved(before, left);

        List<ServiceNode> fewer = new ArrayList<>(all.nodes());
        ServiceNode gone = fewer.remove(500);
        Map<String, Set<String>> afterNodeLeft = subsets(set(fewer), 50);
        int heldIt = 0;
        int otherMoves = 0;
        int mostPerCaller = 0;
        for (String caller : before.keySet()) {
            Set<String> was = before.get(caller);
            Set<String> now = afterNodeLeft.get(caller);
            if (was.contains(gone.instanceId())) {
                heldIt++;
                assertThat(now).doesNotContain(gone.instanceId()).hasSizeGreaterThanOrEqualTo(was.size()); // replaced
            }
            Set<String> added = new HashSet<>(now);
            added.removeAll(was);
            otherMoves += added.size();
            mostPerCaller = Math.max(mostPerCaller, added.size());
        }
        System.out.printf("%d assignments (caller, node) of 1000 nodes x 50 callers; a caller joining moves %d (%.1f %%),"
                        + " one leaving %d (%.1f %%); a node leaving: %d caller(s) held it, %d assignment(s) move in all,"
                        + " at most %d per caller%n", assignments, movedOnJoin, 100.0 * movedOnJoin / assignments,
                movedOnLeave, 100.0 * movedOnLeave / assignments, heldIt, otherMoves, mostPerCaller);
        assertThat(heldIt).isPositive();
        assertThat(mostPerCaller).isLessThanOrEqualTo(2);
        assertThat(movedOnJoin).isLessThan(assignments / 2);
        assertThat(movedOnLeave).isLessThan(assignments / 2);
    }

    @Test
    void zonesDatacentersAndCanariesKeepTheirNodesInEverySubset() {
        List<ServiceNode> nodes = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            nodes.add(node(i, i % 3 == 0 ? "b" : "a", "dc1", List.of()));
        }
        for (int i = 600; i < 900; i++) {
            nodes.add(node(i, "a", "dc2", List.of()));
        }
        nodes.add(node(900, "a", "dc1", List.of("canary")));
        nodes.add(node(901, "a", "dc1", List.of("canary")));
        HealthyNodes all = set(nodes);
        CanaryRule canary = CanaryRule.of("canary", null, 5.0, null, null, "mesh.client.canary");
        for (int caller = 0; caller < 50; caller++) {
            HealthyNodes subset = SubsetSelection.of(all, new CallerPosition(caller, 50, true), SIZE, canary, "zone");
            assertThat(subset.nodes()).filteredOn(node -> node.tags().contains("canary")).hasSize(2);
            assertThat(subset.nodes()).filteredOn(node -> node.datacenter().equals("dc2")).hasSizeBetween(1, SIZE);
            assertThat(subset.nodes()).filteredOn(node -> "b".equals(node.metaValue("zone"))
                    && node.datacenter().equals("dc1")).isNotEmpty();
        }
    }

    @Test
    void consulWeightsKeepTheirRatioInsideASubset() {
        Map<Integer, Integer> heavy = new HashMap<>();
        IntStream.range(0, 1000).filter(i -> i % 10 == 0).forEach(i -> heavy.put(i, 3));
        HealthyNodes all = nodes(1000, heavy);
        double[] load = load(all, 50);
        double perHeavy = IntStream.range(0, 1000).filter(i -> i % 10 == 0).mapToDouble(i -> load[i]).average().orElseThrow();
        double perLight = IntStream.range(0, 1000).filter(i -> i % 10 != 0).mapToDouble(i -> load[i]).average().orElseThrow();
        System.out.printf("weights 3:1 inside subsets: load ratio %.2f%n", perHeavy / perLight);
        assertThat(perHeavy / perLight).isBetween(2.0, 4.0);
    }

    private static int moved(Map<String, Set<String>> before, Map<String, Set<String>> after) {
        int moved = 0;
        for (String caller : before.keySet()) {
            if (!after.containsKey(caller)) {
                continue;
            }
            Set<String> added = new HashSet<>(after.get(caller));
            added.removeAll(before.get(caller));
            moved += added.size();
        }
        return moved;
    }

    /** The subsets of callers named c00..c(n-1), keyed by that name. */
    private static Map<String, Set<String>> subsets(HealthyNodes all, int callers) {
        Map<String, Set<String>> subsets = new HashMap<>();
        List<String> ids = IntStream.range(0, callers).mapToObj(i -> String.format("c%03d", i * 2)).toList();
        if (callers == 51) {
            ids = new ArrayList<>(ids.subList(0, 50));
            ids.add("c050x"); // joins in the middle of the order
        }
        if (callers == 49) {
            ids = new ArrayList<>(IntStream.range(0, 50).mapToObj(i -> String.format("c%03d", i * 2)).toList());
            ids.remove(25);
        }
        for (String id : ids) {
            HealthyNodes subset = SubsetSelection.of(all, CallerPosition.among(ids, id), SIZE, null, "zone");
            subsets.put(id, new HashSet<>(subset.nodes().stream().map(ServiceNode::instanceId).toList()));
        }
        return subsets;
    }

    /** Requests per node when each of {@code callers} callers sends one unit, spread by weight over its subset. */
    private static double[] load(HealthyNodes all, int callers) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < all.nodes().size(); i++) {
            index.put(all.nodes().get(i).instanceId(), i);
        }
        double[] load = new double[all.nodes().size()];
        for (int caller = 0; caller < callers; caller++) {
            HealthyNodes subset = SubsetSelection.of(all, new CallerPosition(caller, callers, true), SIZE, null, null);
            double total = subset.nodes().stream().mapToInt(node -> node.weights().passing()).sum();
            for (ServiceNode node : subset.nodes()) {
                load[index.get(node.instanceId())] += node.weights().passing() / total;
            }
        }
        return load;
    }

    private static HealthyNodes nodes(int count, Map<Integer, Integer> weights) {
        List<ServiceNode> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ServiceNode plain = node(i, "a", "dc1", List.of());
            int weight = weights.getOrDefault(i, 1);
            nodes.add(new ServiceNode(plain.instanceId(), plain.service(), plain.host(), plain.port(), plain.meta(),
                    plain.tags(), plain.datacenter(), plain.nodeMeta(), new ServiceWeights(weight, weight)));
        }
        return set(nodes);
    }

    private static ServiceNode node(int i, String zone, String datacenter, List<String> tags) {
        return new ServiceNode(String.format("news-%04d", i), "news", "127.0.0.1", 20000 + i, Map.of("zone", zone), tags,
                datacenter, Map.of(), ServiceWeights.DEFAULT);
    }

    private static HealthyNodes set(List<ServiceNode> nodes) {
        return new HealthyNodes("news", nodes, 1, Instant.now());
    }

    private static double max(double[] values) {
        return java.util.Arrays.stream(values).max().orElseThrow();
    }

    private static double min(double[] values) {
        return java.util.Arrays.stream(values).min().orElseThrow();
    }
}
