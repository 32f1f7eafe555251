package dev.consulmesh.traffic;

import dev.consulmesh.discovery.ServiceNode;

/**
 * Calls prefer the caller's zone while enough of its nodes there are usable.
 *
 * @param zone      the caller's zone
 * @param metaKey   the metadata key (of the instance, else of its Consul node) naming an instance's zone
 * @param threshold percent (0..100) of the nodes in the caller's zone that must be usable to stay in it
 */
public record ZoneRule(String zone, String metaKey, double threshold) {

    public boolean isLocal(ServiceNode node) {
        return zone.equals(node.metaValue(metaKey));
    }
}
