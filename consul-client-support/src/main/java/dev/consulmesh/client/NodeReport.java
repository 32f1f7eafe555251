package dev.consulmesh.client;

import java.time.Instant;

/**
 * One node as this caller sees it, for the {@code mesh} actuator endpoint.
 *
 * @param instanceId      the instance id registered in Consul
 * @param address         host:port
 * @param state           healthy, trial (back after an ejection for timeouts, failures or latency, with a
 *                        small, growing share), ejected or draining
 * @param stateReason     why it is in that state (for an ejected node: the rule that ejected it, with its
 *                        figures: timeouts in a row, failure share or median latency against its peers')
 * @param stateSince      since when
 * @param outstanding     requests of this caller waiting for its answer
 * @param successes       attempts it answered
 * @param failures        attempts that failed on it
 * @param failuresInARow  attempts that failed on it since its last answer
 * @param failurePercent  its failed attempts as a share (percent) of its attempts over the outlier window
 * @param latencyMillis   peak-EWMA of its attempts' latency, in milliseconds (0 before the first)
 * @param consul          its status in Consul (passing, warning, critical), null when Consul does not list it
 * @param diagnosis       the latest connectivity check, null before the first
 * @param diagnosedAt     when that check ran
 * @param recent          its calls over the last {@code windowSeconds}, for the mesh page and people watching
 * @param zone            its zone (the zone metadata of the instance, else of its Consul node), null when it has none
 * @param datacenter      the Consul datacenter that lists it
 * @param weight          its weight in Consul for its status (1 when the caller does not follow Consul's weights)
 * @param slowStartPercent the share of its weight slow start gives it now, percent (100 once ramped up)
 * @param canary          whether it is in the service's canary set; null when the service has no canary rule
 * @param note            the latest decision about it that its state does not show (kept in rotation although
 *                        an outlier, because of max-ejection-percent; kept after timeouts every node shared), null when none
 * @param notedAt         when that decision was made
 */
public record NodeReport(String instanceId, String address, String state, String stateReason, Instant stateSince,
                         int outstanding, long successes, long failures, int failuresInARow, long failurePercent,
                         double latencyMillis, String consul, String diagnosis, Instant diagnosedAt, RecentCalls recent,
                         String zone, String datacenter, int weight, double slowStartPercent, Boolean canary,
                         String note, Instant notedAt) {

    /**
     * A node's calls over a sliding window, kept in fixed memory.
     *
     * @param windowSeconds  how far back it looks
     * @param callsPerSecond attempts that ended with an answer or a failure, per second
     * @param failurePercent the share (percent) of them that failed
     * @param p99Millis      99th percentile of their latency in milliseconds, within 25% (0 without calls)
     */
    public record RecentCalls(long windowSeconds, double callsPerSecond, double failurePercent, double p99Millis) {
    }
}
