package dev.consulmesh.client;

import dev.consulmesh.balancing.BalancingStrategy;
import dev.consulmesh.subset.SubsetProperties;
import dev.consulmesh.transport.tls.TlsProperties;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of calls to one service, under {@code mesh.client.services.<service>.*}. Each one left
 * unset is the same-named {@code mesh.client.*} setting, so one slow service can have its own timeouts
 * without changing anyone else's.
 */
public class ServiceClientProperties {

    /** Deadline of a call to this service, retries included. Default: mesh.client.request-timeout. */
    @DurationMin(millis = 1)
    private Duration requestTimeout;

    /** One attempt's share of the deadline for idempotent patterns. Default: mesh.client.attempt-timeout. */
    @DurationMin(millis = 1)
    private Duration attemptTimeout;

    /** How a node is picked. Default: mesh.client.strategy (a balancer bean for this service wins over both). */
    private BalancingStrategy strategy;

    /** Patterns of this service retried even after they were written, beside mesh.client.idempotent-patterns. */
    private List<String> idempotentPatterns = new ArrayList<>();

    @Valid
    private final Retry retry = new Retry();

    /** TLS towards this service's nodes; when its enabled is unset, mesh.client.tls applies. */
    private TlsProperties tls;

    /** Follow Consul's weights of this service's instances. Default: mesh.client.consul-weights. */
    private Boolean consulWeights;

    /** Datacenters to fail over to, in order. Default: mesh.client.failover-datacenters. */
    private List<String> failoverDatacenters;

    /** Slow start of this service's nodes; each unset one is mesh.client.slow-start's. */
    private final TrafficProperties.SlowStart slowStart = new TrafficProperties.SlowStart();

    /** The canary rule of this service; each unset one is mesh.client.canary's. */
    private final TrafficProperties.Canary canary = new TrafficProperties.Canary();

    /** Zone preference for this service; each unset one is mesh.client.zone-preference's. */
    private final TrafficProperties.ZonePreference zonePreference = new TrafficProperties.ZonePreference();

    /** Hedged calls to this service; each unset one is mesh.client.hedge's. */
    private final TrafficProperties.Hedge hedge = new TrafficProperties.Hedge();

    /** Subsetting of this service's nodes; each unset one is mesh.client.subset's. */
    @Valid
    private final SubsetProperties subset = new SubsetProperties();

    public SubsetProperties getSubset() {
        return subset;
    }

    public Boolean getConsulWeights() {
        return consulWeights;
    }

    public void setConsulWeights(Boolean consulWeights) {
        this.consulWeights = consulWeights;
    }

    public List<String> getFailoverDatacenters() {
        return failoverDatacenters;
    }

    public void setFailoverDatacenters(List<String> failoverDatacenters) {
        this.failoverDatacenters = failoverDatacenters;
    }

    public TrafficProperties.SlowStart getSlowStart() {
        return slowStart;
    }

    public TrafficProperties.Canary getCanary() {
        return canary;
    }

    public TrafficProperties.ZonePreference getZonePreference() {
        return zonePreference;
    }

    public TrafficProperties.Hedge getHedge() {
        return hedge;
    }

    /** Retries of calls to this service; each unset one is mesh.client.retry's. */
    public static class Retry {

        @Min(1)
        @Max(10)
        private Integer maxAttempts;

        @DecimalMin("0.0")
        @DecimalMax("1.0")
        private Double budgetRatio;

        @Min(0)
        private Integer minPerSecond;

        public Integer getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(Integer maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Double getBudgetRatio() {
            return budgetRatio;
        }

        public void setBudgetRatio(Double budgetRatio) {
            this.budgetRatio = budgetRatio;
        }

        public Integer getMinPerSecond() {
            return minPerSecond;
        }

        public void setMinPerSecond(Integer minPerSecond) {
            this.minPerSecond = minPerSecond;
        }
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public Duration getAttemptTimeout() {
        return attemptTimeout;
    }

    public void setAttemptTimeout(Duration attemptTimeout) {
        this.attemptTimeout = attemptTimeout;
    }

    public BalancingStrategy getStrategy() {
        return strategy;
    }

    public void setStrategy(BalancingStrategy strategy) {
        this.strategy = strategy;
    }

    public List<String> getIdempotentPatterns() {
        return idempotentPatterns;
    }

    public void setIdempotentPatterns(List<String> idempotentPatterns) {
        this.idempotentPatterns = idempotentPatterns;
    }

    public Retry getRetry() {
        return retry;
    }

    public TlsProperties getTls() {
        return tls;
    }

    public void setTls(TlsProperties tls) {
        this.tls = tls;
    }
}
