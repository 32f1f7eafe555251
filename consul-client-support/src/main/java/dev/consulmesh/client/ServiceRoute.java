package dev.consulmesh.client;

import dev.consulmesh.balancing.LoadBalancer;
import dev.consulmesh.discovery.DatacenterSets;
import dev.consulmesh.discovery.HealthyNodes;
import dev.consulmesh.discovery.HealthyNodesWatcher;
import dev.consulmesh.pool.ServicePool;
import dev.consulmesh.retry.AttemptTimeout;
import dev.consulmesh.retry.HedgeDelay;
import dev.consulmesh.retry.IdempotentPatterns;
import dev.consulmesh.retry.RetryBudget;
import dev.consulmesh.traffic.TrafficRouter;
import io.micrometer.core.instrument.Counter;

import java.util.function.Consumer;

/**
 * What every call to one service needs, found with one lookup ({@link ServiceRoutes}).
 *
 * @param datacenters the sets of the service's failover datacenters beside the local one; null: none
 * @param toPool      what takes Consul's sets of the service into its pool (through the caller's subset)
 * @param router      the service's traffic rules; null: none
 * @param hedgeDelay  when a second attempt of an idempotent call starts; null: not hedged
 */
record ServiceRoute(String service, ServiceSettings settings, HealthyNodesWatcher watcher,
                    DatacenterSets datacenters, ServicePool pool, Consumer<HealthyNodes> toPool,
                    LoadBalancer balancer, RetryBudget budget,
                    IdempotentPatterns ownIdempotentPatterns, Counter retries, Counter retriesDenied,
                    TrafficRouter router, AttemptTimeout attemptTimeout, HedgeDelay hedgeDelay, Counter hedges) {
}
