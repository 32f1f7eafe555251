package dev.consulmesh.traffic;

import dev.consulmesh.pool.NodeState;
import dev.consulmesh.pool.PooledNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies one service's {@link TrafficRules} to each attempt's candidates, and says when calls change
 * datacenter or spill out of the caller's zone (once per change, not per call). Runs only for services
 * with a rule: without one, calls never reach it.
 */
public final class TrafficRouter {

    private static final Logger log = LoggerFactory.getLogger(TrafficRouter.class);

    private final String service;
    private final TrafficRules rules;
    private volatile int datacenterRank;
    private volatile boolean spilled;

    public TrafficRouter(String service, TrafficRules rules) {
        this.service = service;
        this.rules = rules;
    }

    public TrafficRules rules() {
        return rules;
    }

    /**
     * The candidates this attempt may use under the rules.
     *
     * @param candidates the pool's candidates for the attempt (never empty)
     * @param listed     every node the pool lists, to judge the caller's zone
     * @param toCanary   whether the call goes to the canary set (ignored without a canary rule)
     */
    public List<PooledNode> narrow(List<PooledNode> candidates, List<PooledNode> listed, boolean toCanary) {
        List<PooledNode> narrowed = candidates;
        if (!rules.failoverDatacenters().isEmpty()) {
            narrowed = bestDatacenter(narrowed);
        }
        if (rules.canary() != null) {
            narrowed = canaryOrRest(narrowed, toCanary);
        }
        if (rules.zone() != null) {
            narrowed = preferZone(narrowed, listed);
        }
        return narrowed;
    }

    private List<PooledNode> bestDatacenter(List<PooledNode> candidates) {
        int best = Integer.MAX_VALUE;
        for (PooledNode node : candidates) {
            best = Math.min(best, rules.datacenterRank(node.node()));
        }
        if (best != datacenterRank) {
            int before = datacenterRank;
            datacenterRank = best;
            log.warn("service {}: calls go to {} (was {})", service, describe(best), describe(before));
        }
        List<PooledNode> chosen = new ArrayList<>(candidates.size());
        for (PooledNode node : candidates) {
            if (rules.datacenterRank(node.node()) == best) {
                chosen.add(node);
            }
        }
        return chosen;
    }

    private String describe(int rank) {
        return rank == 0 ? "the local datacenter" : "datacenter " + rules.failoverDatacenters().get(rank - 1)
                + " (failover " + rank + " of " + rules.failoverDatacenters().size() + ")";
    }

    /** The canary set or the rest, as the call asks; the other when the one asked for is empty. */
    private List<PooledNode> canaryOrRest(List<PooledNode> candidates, boolean toCanary) {
        List<PooledNode> canary = new ArrayList<>();
        List<PooledNode> rest = new ArrayList<>(candidates.size());
        for (PooledNode node : candidates) {
            (rules.canary().isCanary(node.node()) ? canary : rest).add(node);
        }
        List<PooledNode> asked = toCanary ? canary : rest;
        return asked.isEmpty() ? (toCanary ? rest : canary) : asked;
    }

    /**
     * The candidates in the caller's zone while at least threshold percent of the zone's listed nodes (in
     * the datacenter calls go to) are usable; every candidate otherwise, or when none of them is in the zone.
     */
    private List<PooledNode> preferZone(List<PooledNode> candidates, List<PooledNode> listed) {
        ZoneRule zone = rules.zone();
        int rank = datacenterRank;
        int inZone = 0;
        int usableInZone = 0;
        for (PooledNode node : listed) {
            if (zone.isLocal(node.node()) && (rules.failoverDatacenters().isEmpty() || rules.datacenterRank(node.node()) == rank)) {
                inZone++;
                if (node.state() == NodeState.HEALTHY || node.state() == NodeState.TRIAL) {
                    usableInZone++;
                }
            }
        }
        boolean stay = inZone > 0 && usableInZone > 0 && usableInZone * 100.0 >= zone.threshold() * inZone;
        if (stay == spilled) {
            spilled = !stay;
            if (stay) {
                log.info("service {}: {} of {} node(s) in zone {} usable again; calls stay in the zone", service,
                        usableInZone, inZone, zone.zone());
            } else {
                log.warn("service {}: only {} of {} node(s) in zone {} usable (below {} %); calls spill over to every zone",
                        service, usableInZone, inZone, zone.zone(), zone.threshold());
            }
        }
        if (!stay) {
            return candidates;
        }
        List<PooledNode> local = new ArrayList<>(candidates.size());
        for (PooledNode node : candidates) {
            if (zone.isLocal(node.node())) {
                local.add(node);
            }
        }
        return local.isEmpty() ? candidates : local;
    }

    /** Whether calls spill out of the caller's zone now. */
    public boolean spilled() {
        return spilled;
    }
}
