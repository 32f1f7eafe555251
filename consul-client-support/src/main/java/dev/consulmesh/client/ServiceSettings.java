package dev.consulmesh.client;

import dev.consulmesh.balancing.BalancingStrategy;
import dev.consulmesh.pool.ShareSettings;
import dev.consulmesh.retry.AttemptTimeoutSettings;
import dev.consulmesh.traffic.CanaryRule;
import dev.consulmesh.traffic.TrafficRules;
import dev.consulmesh.traffic.ZoneRule;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The settings in force for calls to one service: its own {@code mesh.client.services.<service>.*}
 * where set, else the {@code mesh.client.*} ones.
 *
 * @param idempotentPatterns this service's own, beside the ones that hold for every service
 * @param shares             Consul's weights and slow start
 * @param traffic            canary, zone and datacenter rules; {@link TrafficRules#none()} when none is set
 * @param hedgeDelay         how long an idempotent call's first attempt runs alone before a second one
 *                           starts on another node; null: no hedging; zero: the service's recent p95
 * @param attemptTimeouts    how long an idempotent call's attempt waits: attemptTimeout, or less when it
 *                           follows the service's latency
 * @param subsetSize         most nodes (per datacenter) a caller connects to; 0: every node
 */
public record ServiceSettings(String service, Duration requestTimeout, Duration attemptTimeout, BalancingStrategy strategy,
                              int maxAttempts, double budgetRatio, int minPerSecond, List<String> idempotentPatterns,
                              ShareSettings shares, TrafficRules traffic, Duration hedgeDelay,
                              AttemptTimeoutSettings attemptTimeouts, int subsetSize) {

    /** What Consul accepts as a service name that DNS can also serve: letters, digits, '-' and '_'. */
    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");

    public ServiceSettings {
        idempotentPatterns = List.copyOf(idempotentPatterns);
    }

    /** Without traffic rules beyond Consul's weights. */
    public ServiceSettings(String service, Duration requestTimeout, Duration attemptTimeout, BalancingStrategy strategy,
                           int maxAttempts, double budgetRatio, int minPerSecond, List<String> idempotentPatterns) {
        this(service, requestTimeout, attemptTimeout, strategy, maxAttempts, budgetRatio, minPerSecond, idempotentPatterns,
                ShareSettings.defaults(), TrafficRules.none(), null, AttemptTimeoutSettings.fixed(attemptTimeout), 0);
    }

    /** The settings of {@code service}: its overrides, if any, over the defaults. */
    public static ServiceSettings of(MeshClientProperties properties, String service) {
        ServiceClientProperties own = properties.getServices().get(service);
        if (own == null) {
            own = new ServiceClientProperties();
        }
        ServiceClientProperties.Retry retry = own.getRetry();
        String at = properties.getServices().containsKey(service) ? "mesh.client.services." + service + "." : "mesh.client.";
        Duration attemptTimeout = orElse(own.getAttemptTimeout(), properties.getAttemptTimeout());
        return new ServiceSettings(service,
                orElse(own.getRequestTimeout(), properties.getRequestTimeout()),
                attemptTimeout,
                orElse(own.getStrategy(), properties.getStrategy()),
                orElse(retry.getMaxAttempts(), properties.getRetry().getMaxAttempts()),
                orElse(retry.getBudgetRatio(), properties.getRetry().getBudgetRatio()),
                orElse(retry.getMinPerSecond(), properties.getRetry().getMinPerSecond()),
                own.getIdempotentPatterns() == null ? List.of() : own.getIdempotentPatterns(),
                shares(properties, own, at), traffic(properties, own, at), hedgeDelay(properties, own, at),
                attemptTimeouts(properties, attemptTimeout, at),
                orElse(own.getSubset().getSize(), properties.getSubset().getSize()));
    }

    private static AttemptTimeoutSettings attemptTimeouts(MeshClientProperties properties, Duration cap, String at) {
        MeshClientProperties.AdaptiveAttemptTimeout adaptive = properties.getAdaptiveAttemptTimeout();
        if (!adaptive.isEnabled()) {
            return AttemptTimeoutSettings.fixed(cap);
        }
        if (adaptive.getFloor().compareTo(cap) > 0) {
            throw new IllegalArgumentException("mesh.client.adaptive-attempt-timeout.floor (" + adaptive.getFloor().toMillis()
                    + " ms) is longer than " + at + "attempt-timeout (" + cap.toMillis() + " ms), the longest an attempt"
                    + " waits; lower the floor or raise the attempt timeout");
        }
        return new AttemptTimeoutSettings(cap, true, adaptive.getFloor(), adaptive.getMultiplier(),
                adaptive.getPercentile() / 100);
    }

    private static ShareSettings shares(MeshClientProperties properties, ServiceClientProperties own, String at) {
        TrafficProperties.SlowStart mine = own.getSlowStart();
        TrafficProperties.SlowStart all = properties.getSlowStart();
        boolean enabled = orElse(mine.getEnabled(), all.getEnabled());
        Duration window = orElse(mine.getWindow(), all.getWindow());
        double aggression = orElse(mine.getAggression(), all.getAggression());
        double minPercent = orElse(mine.getMinWeightPercent(), all.getMinWeightPercent());
        if (window == null || window.isNegative() || window.isZero() && enabled) {
            throw new IllegalArgumentException(at + "slow-start.window must be positive, got " + window);
        }
        if (!(aggression > 0) || aggression > 100) {
            throw new IllegalArgumentException(at + "slow-start.aggression must be above 0 and at most 100, got " + aggression);
        }
        if (!(minPercent > 0) || minPercent > 100) {
            throw new IllegalArgumentException(at + "slow-start.min-weight-percent must be above 0 and at most 100, got "
                    + minPercent);
        }
        return new ShareSettings(orElse(own.getConsulWeights(), properties.isConsulWeights()),
                enabled ? window : Duration.ZERO, aggression, minPercent);
    }

    private static TrafficRules traffic(MeshClientProperties properties, ServiceClientProperties own, String at) {
        TrafficProperties.Canary mine = own.getCanary();
        TrafficProperties.Canary all = properties.getCanary();
        CanaryRule canary = CanaryRule.of(orElse(mine.getTag(), all.getTag()), orElse(mine.getMeta(), all.getMeta()),
                orElse(mine.getPercent(), all.getPercent()), orElse(mine.getHeader(), all.getHeader()),
                orElse(mine.getHeaderValue(), all.getHeaderValue()), at + "canary");
        TrafficProperties.ZonePreference zoneMine = own.getZonePreference();
        TrafficProperties.ZonePreference zoneAll = properties.getZonePreference();
        double threshold = orElse(zoneMine.getThreshold(), zoneAll.getThreshold());
        if (!(threshold >= 0) || threshold > 100) {
            throw new IllegalArgumentException(at + "zone-preference.threshold must be 0..100 (percent), got " + threshold);
        }
        String zone = properties.getZone();
        ZoneRule zones = zone == null || zone.isBlank() || !orElse(zoneMine.getPreferLocal(), zoneAll.getPreferLocal())
                ? null : new ZoneRule(zone.strip(), properties.getZoneMetaKey(), threshold);
        List<String> failover = orElse(own.getFailoverDatacenters(), properties.getFailoverDatacenters());
        for (String datacenter : failover == null ? List.<String>of() : failover) {
            if (datacenter == null || datacenter.isBlank()) {
                throw new IllegalArgumentException(at + "failover-datacenters holds an empty name: " + failover);
            }
        }
        return new TrafficRules(canary, zones, failover == null ? List.of() : failover);
    }

    private static Duration hedgeDelay(MeshClientProperties properties, ServiceClientProperties own, String at) {
        if (!orElse(own.getHedge().getEnabled(), properties.getHedge().getEnabled())) {
            return null;
        }
        Duration delay = orElse(own.getHedge().getDelay(), properties.getHedge().getDelay());
        if (delay != null && (delay.isNegative() || delay.isZero())) {
            throw new IllegalArgumentException(at + "hedge.delay must be positive (unset: the service's recent p95), got "
                    + delay);
        }
        return delay == null ? Duration.ZERO : delay;
    }

    /**
     * Checks every service's settings (and the defaults'), so that a wrong one fails at start-up.
     *
     * @throws IllegalArgumentException naming the property
     */
    public static void checkAll(MeshClientProperties properties) {
        of(properties, "any-service-without-own-settings");
        for (String service : properties.getServices().keySet()) {
            of(properties, service);
        }
    }

    /**
     * Checks the names under {@code mesh.client.services}: each must be a service name Consul can have.
     *
     * @throws IllegalArgumentException naming the property
     */
    public static void checkServiceNames(MeshClientProperties properties) {
        for (String service : properties.getServices().keySet()) {
            requireValidName(service, "mesh.client.services." + service);
        }
    }

    /**
     * @param where what names the service, for the message (a property, a client interface)
     * @throws IllegalArgumentException when the name is not one Consul can have
     */
    public static void requireValidName(String service, String where) {
        if (service == null || !SERVICE_NAME.matcher(service).matches()) {
            throw new IllegalArgumentException(where + ": '" + service + "' is not a valid Consul service name"
                    + " (1 to 63 letters, digits, '-' or '_', starting with a letter or digit)");
        }
    }

    private static <T> T orElse(T own, T fallback) {
        return own != null ? own : fallback;
    }
}
