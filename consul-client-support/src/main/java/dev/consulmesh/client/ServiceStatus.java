package dev.consulmesh.client;

import dev.consulmesh.discovery.HealthyNodes;
import dev.consulmesh.discovery.InstanceHealth;
import dev.consulmesh.pool.PooledNode;
import dev.consulmesh.pool.RecentCallWindow;
import dev.consulmesh.pool.ServicePool;
import dev.consulmesh.retry.RetryBudget;
import dev.consulmesh.traffic.CanaryRule;

import java.util.ArrayList;
import java.util.List;

/** A service's route as people watching see it: its nodes, its budgets, what Consul said ({@link ServiceReport}). */
final class ServiceStatus {

    private ServiceStatus() {
    }

    /** @param zoneMetaKey the metadata key naming a node's zone; null: none */
    static ServiceReport of(ServiceRoute route, String zoneMetaKey) {
        ServicePool pool = route.pool();
        HealthyNodes set = pool.lastSet();
        List<NodeReport> nodes = new ArrayList<>();
        long now = System.nanoTime();
        CanaryRule canary = route.settings().traffic().canary();
        for (PooledNode node : pool.nodes()) {
            InstanceHealth health = set == null ? null : set.health(node.node().instanceId());
            RecentCallWindow.Summary recent = node.recentCalls();
            nodes.add(new NodeReport(node.node().instanceId(), node.node().address(), node.state().text(),
                    node.stateReason(), node.stateSince(), node.outstanding(), node.successes(), node.failures(),
                    node.failuresInARow(), Math.round(node.windowFailurePercent()),
                    tenths(node.latencyMillis()),
                    health == null ? null : health.status().text(),
                    node.diagnosis() == null ? null : node.diagnosis().text(),
                    node.diagnosis() == null ? null : node.diagnosis().at(),
                    new NodeReport.RecentCalls(RecentCallWindow.WINDOW.toSeconds(), tenths(recent.callsPerSecond()),
                            tenths(recent.failurePercent()), tenths(recent.p99Millis())),
                    node.node().metaValue(zoneMetaKey), node.node().datacenter(), node.consulWeight(),
                    Math.round(pool.slowStartShare(node, now) * 1000) / 10.0,
                    canary == null ? null : canary.isCanary(node.node()),
                    node.note() == null ? null : node.note().text(), node.note() == null ? null : node.note().at()));
        }
        RetryBudget.Usage budget = route.budget().usage();
        return new ServiceReport(route.service(), pool.usable(), set == null ? 0 : set.nodes().size(), pool.inPanic(),
                route.watcher().consulProblem(), route.watcher().consulProblemSince(), nodes,
                route.attemptTimeout().describe(now), route.hedgeDelay() == null ? null : route.hedgeDelay().describe(now),
                new ServiceReport.Budget(budget.windowSeconds(), budget.calls(), budget.retries(), budget.allowed(),
                        (long) route.retries().count(), (long) route.retriesDenied().count(), (long) route.hedges().count(),
                        route.hedgeDelay() != null),
                route.watcher().registryFindings(), route.watcher().moreRegistryFindings());
    }

    private static double tenths(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
