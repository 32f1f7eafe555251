package dev.consulmesh.subset;

import dev.consulmesh.discovery.HealthyNodes;
import dev.consulmesh.traffic.CanaryRule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * Stands between a service's sets from Consul and its pool: passes on the subset this caller connects
 * to, again whenever the set or the caller's position among the callers changes. The service's callers
 * are looked up (and this caller registered among them) only once the service has more nodes than the
 * subset size: a small service costs nothing more than without subsetting.
 */
final class ServiceSubset implements Consumer<HealthyNodes> {

    private static final Logger log = LoggerFactory.getLogger(ServiceSubset.class);

    private final String service;
    private final int size;
    private final CanaryRule canary;
    private final String zoneKey;
    private final CallerRoster roster;
    private final Consumer<HealthyNodes> pool;
    private HealthyNodes lastAll;
    private CallerPosition lastPosition;

    ServiceSubset(String service, int size, CanaryRule canary, String zoneKey, CallerRoster roster,
                  Consumer<HealthyNodes> pool) {
        this.service = service;
        this.size = size;
        this.canary = canary;
        this.zoneKey = zoneKey;
        this.roster = roster;
        this.pool = pool;
        roster.onChange(this::positionChanged);
    }

    @Override
    public synchronized void accept(HealthyNodes all) {
        lastAll = all;
        if (all.nodes().size() + all.warning().size() > size) {
            roster.join();
        }
        publish();
    }

    private synchronized void positionChanged() {
        if (lastAll != null) {
            publish();
        }
    }

    private void publish() {
        CallerPosition position = roster.position();
        HealthyNodes subset = SubsetSelection.of(lastAll, position, size, canary, zoneKey);
        if (subset != lastAll && !position.equals(lastPosition)) {
            log.info("service {}: connecting to {} of its {} node(s), as caller {} of {}{}", service, subset.nodes().size(),
                    lastAll.nodes().size(), position.index() + 1, position.count(),
                    position.listed() ? "" : " (by this caller's hash, until Consul lists it among the callers)");
            lastPosition = position;
        }
        pool.accept(subset);
    }
}
