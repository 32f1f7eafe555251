package dev.consulmesh.discovery;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What changed between two sets of a service's instances, in words for one log line: instances added
 * to and removed from rotation, and check status changes of registered ones. A change in a set of
 * hundreds of instances logs the few that changed, not the whole list again, and costs a set lookup
 * per instance, not a scan of the other list.
 */
final class SetChange {

    /** Most instances named per kind of change; the rest are counted. */
    private static final int NAMED = 10;

    private SetChange() {
    }

    /** The change from {@code before} (null: the first answer) to {@code after}; empty when nothing a reader acts on changed. */
    static String describe(HealthyNodes before, List<ServiceNode> routed, Map<String, InstanceHealth> registered,
                           Set<String> unconfirmed) {
        List<String> parts = new ArrayList<>();
        if (before == null) {
            parts.add(routed.size() + " instance(s) to route to " + names(routed.stream().map(SetChange::name).toList()));
        } else {
            Set<ServiceNode> routedBefore = new HashSet<>(before.nodes());
            Set<ServiceNode> routedNow = new HashSet<>(routed);
            List<String> added = routed.stream().filter(node -> !routedBefore.contains(node)).map(SetChange::name).toList();
            List<String> removed = before.nodes().stream().filter(node -> !routedNow.contains(node)).map(SetChange::name).toList();
            if (!added.isEmpty()) {
                parts.add("added " + names(added));
            }
            if (!removed.isEmpty()) {
                parts.add("removed " + names(removed));
            }
            List<String> changed = new ArrayList<>();
            registered.forEach((id, health) -> {
                InstanceHealth was = before.registered().get(id);
                if (was != null && was.status() != health.status()) {
                    changed.add(id + " " + was.status().text() + " -> " + health.status().text());
                }
            });
            if (!changed.isEmpty()) {
                parts.add("checks " + names(changed));
            }
            if (!parts.isEmpty()) {
                parts.add(routed.size() + " to route to");
            }
        }
        if (!unconfirmed.isEmpty() && (before == null || !Objects.equals(before.unconfirmed(), unconfirmed))) {
            parts.add("kept until Consul lists them again (resync after an outage): " + names(List.copyOf(unconfirmed)));
        }
        return String.join("; ", parts);
    }

    private static String name(ServiceNode node) {
        return node.instanceId() + "@" + node.address();
    }

    private static String names(List<String> names) {
        if (names.size() <= NAMED) {
            return names.toString();
        }
        return names.subList(0, NAMED) + " and " + (names.size() - NAMED) + " more";
    }
}
