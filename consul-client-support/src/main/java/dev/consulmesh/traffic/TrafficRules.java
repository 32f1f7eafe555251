package dev.consulmesh.traffic;

import dev.consulmesh.discovery.ServiceNode;

import java.util.List;

/**
 * The rules that narrow a service's candidates before the balancer picks: the datacenter (the local one,
 * else the next of the failover order that has usable nodes), the canary set or the rest, the caller's
 * zone while enough nodes there are usable.
 *
 * @param canary              the canary rule, or null
 * @param zone                the zone preference, or null
 * @param failoverDatacenters the datacenters to call, in order, when the local one has no usable node
 */
public record TrafficRules(CanaryRule canary, ZoneRule zone, List<String> failoverDatacenters) {

    private static final TrafficRules NONE = new TrafficRules(null, null, List.of());

    public TrafficRules {
        failoverDatacenters = List.copyOf(failoverDatacenters);
    }

    public static TrafficRules none() {
        return NONE;
    }

    /** No rule set: calls skip narrowing altogether. */
    public boolean isNone() {
        return canary == null && zone == null && failoverDatacenters.isEmpty();
    }

    /** 0 for the local datacenter, 1 for the first of the failover order, and so on. */
    public int datacenterRank(ServiceNode node) {
        if (failoverDatacenters.isEmpty()) {
            return 0;
        }
        int index = failoverDatacenters.indexOf(node.datacenter());
        return index + 1;
    }
}
