package dev.consulmesh.subset;

import dev.consulmesh.discovery.HealthyNodes;
import dev.consulmesh.discovery.ServiceNode;
import dev.consulmesh.discovery.ServiceWeights;
import dev.consulmesh.traffic.CanaryRule;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The part of a service's set one caller connects to, for a subset size and the caller's position.
 * <ul>
 *   <li>Each datacenter is its own ring of {@code size} nodes, so failover to another datacenter finds a
 *   full subset there. Inside a datacenter, each zone is a ring of its share of {@code size}, so zone
 *   preference finds local nodes in every caller's subset.</li>
 *   <li>Canary instances are kept whole, outside the rings: they are few, and the canary rule needs all
 *   of them to send its share.</li>
 *   <li>Instances in warning take part in the rings beside the passing ones (a warning weight applies
 *   to them inside the subset, as outside).</li>
 *   <li>A node the arc covers in part keeps that part of its Consul weights: every weight is scaled by
 *   {@value #WEIGHT_SCALE} and the partial ones by their share, so each node's load stays even across
 *   callers. A caller with Consul's weights off spreads evenly over its subset instead.</li>
 *   <li>A group no larger than its size is kept whole: a small service is routed to exactly as without
 *   subsetting (same nodes, same weights).</li>
 * </ul>
 */
public final class SubsetSelection {

    /** What a whole node's weights are multiplied by, so that a share of it stays a whole number. */
    static final int WEIGHT_SCALE = 100;

    private SubsetSelection() {
    }

    /**
     * @param isCanary  the canary rule's test; null: no canary rule
     * @param zoneKey   the metadata key of a node's zone; null: no zones
     */
    public static HealthyNodes of(HealthyNodes all, CallerPosition position, int size, CanaryRule canary, String zoneKey) {
        if (size <= 0 || all.nodes().size() + all.warning().size() <= size) {
            return all;
        }
        Predicate<ServiceNode> isCanary = canary == null ? node -> false : canary::isCanary;
        Map<String, Map<String, List<ServiceNode>>> groups = new TreeMap<>();
        List<ServiceNode> kept = new ArrayList<>();
        List<ServiceNode> members = new ArrayList<>(all.nodes().size() + all.warning().size());
        members.addAll(all.nodes());
        members.addAll(all.warning());
        for (ServiceNode node : members) {
            if (isCanary.test(node)) {
                kept.add(node);
                continue;
            }
            String zone = zoneKey == null ? null : node.metaValue(zoneKey);
            groups.computeIfAbsent(node.datacenter(), dc -> new TreeMap<>())
                    .computeIfAbsent(zone == null ? "" : zone, z -> new ArrayList<>()).add(node);
        }
        Map<ServiceNode, Double> shares = new LinkedHashMap<>();
        kept.forEach(node -> shares.put(node, 1.0));
        for (Map<String, List<ServiceNode>> zones : groups.values()) {
            int inDatacenter = zones.values().stream().mapToInt(List::size).sum();
            for (List<ServiceNode> zone : zones.values()) {
                zone.sort(Comparator.comparing(ServiceNode::instanceId));
                int zoneSize = (int) Math.ceil((double) size * zone.size() / inDatacenter);
                for (ApertureRing.Member member : ApertureRing.arc(zone.size(), position, zoneSize)) {
                    shares.put(zone.get(member.index()), member.share());
                }
            }
        }
        boolean partial = shares.values().stream().anyMatch(share -> share < 1.0);
        Set<ServiceNode> warning = Set.copyOf(all.warning());
        List<ServiceNode> nodes = new ArrayList<>();
        List<ServiceNode> warned = new ArrayList<>();
        Map<ServiceNode, Double> byNode = new HashMap<>(shares);
        for (ServiceNode node : members) {
            Double share = byNode.get(node);
            if (share == null) {
                continue;
            }
            ServiceNode chosen = partial ? withShare(node, share) : node;
            (warning.contains(node) ? warned : nodes).add(chosen);
        }
        return new HealthyNodes(all.service(), nodes, all.registered(), all.unconfirmed(), all.index(), all.receivedAt(),
                warned);
    }

    private static ServiceNode withShare(ServiceNode node, double share) {
        ServiceWeights weights = node.weights();
        int passing = scaled(weights.passing(), share, 1);
        int warning = weights.warning() == 0 ? 0 : scaled(weights.warning(), share, 1);
        return new ServiceNode(node.instanceId(), node.service(), node.host(), node.port(), node.meta(), node.tags(),
                node.datacenter(), node.nodeMeta(), new ServiceWeights(passing, warning));
    }

    private static int scaled(int weight, double share, int least) {
        long scaled = Math.round(weight * share * WEIGHT_SCALE);
        return (int) Math.max(least, Math.min(ServiceWeights.MAX, scaled));
    }
}
