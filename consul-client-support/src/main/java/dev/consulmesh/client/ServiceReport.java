package dev.consulmesh.client;

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
 */
public record ServiceReport(String service, int usable, int listed, boolean panic, String consul,
                            Instant consulProblemSince, List<NodeReport> nodes, String attemptTimeout, String hedgeDelay) {
}
