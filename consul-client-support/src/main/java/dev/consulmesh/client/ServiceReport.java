package dev.consulmesh.client;

import dev.consulmesh.discovery.RegistryDataCheck;

import java.time.Instant;
import java.util.List;

/**
 * One called service as this caller sees it, for the {@code mesh} actuator endpoint and health.
 *
 * @param service            the service name
 * @param usable             nodes in rotation
 * @param listed             nodes Consul lists as passing (plus those kept through a resync)
 * @param panic              true while calls go to the least-bad of all listed nodes
 * @param consul             why Consul's view cannot be had or trusted (unreachable, refusing the ACL token,
 *                           hiding instances from it), null when it answers in full
 * @param consulProblemSince since when
 * @param nodes              every node this caller knows, draining ones included
 * @param attemptTimeout     an idempotent call's attempt timeout now, and how it follows the service's latency
 * @param hedgeDelay         how long a hedged call's first attempt runs alone now, and why; null without hedging
 * @param budget             the service's retry budget, which hedges draw on too
 * @param registry           what Consul lists for the service that is not used as given: instances skipped
 *                           (bad id, address or port, duplicate id) and values replaced (clamped weights...)
 * @param moreRegistryFindings findings beyond those listed
 */
public record ServiceReport(String service, int usable, int listed, boolean panic, String consul,
                            Instant consulProblemSince, List<NodeReport> nodes, String attemptTimeout, String hedgeDelay,
                            Budget budget, List<RegistryDataCheck.Finding> registry, int moreRegistryFindings) {

    /**
     * The retry budget of a service: retries and hedges both spend it.
     *
     * @param windowSeconds   how far back it looks
     * @param calls           calls in that window
     * @param spent           retries and hedges granted in that window
     * @param allowed         retries and hedges it allows in that window
     * @param retries         retries and hedges granted since start
     * @param denied          retries and hedges it refused since start
     * @param hedges          hedges started since start (counted in {@code retries} too)
     * @param hedging         whether the service's calls are hedged
     */
    public record Budget(long windowSeconds, long calls, long spent, long allowed, long retries, long denied, long hedges,
                         boolean hedging) {
    }
}
