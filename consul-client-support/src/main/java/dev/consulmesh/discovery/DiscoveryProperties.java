package dev.consulmesh.discovery;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/** How the mesh watches Consul for the healthy instances of the services it calls. */
@Validated
@ConfigurationProperties("mesh.discovery")
public class DiscoveryProperties {

    /**
     * How long one blocking query may wait in Consul for a change (Consul caps it at 10 minutes).
     * Changes arrive as soon as they happen whatever this is; it only bounds an idle query.
     */
    @NotNull
    @DurationMin(seconds = 1)
    @DurationMax(minutes = 10)
    private Duration wait = Duration.ofSeconds(30);

    /** How long a call made before the first answer from Consul waits for it. */
    @NotNull
    @DurationMin(millis = 1)
    private Duration firstAnswerTimeout = Duration.ofSeconds(5);

    /** First pause after a failed query; it doubles on each further failure up to max-backoff. */
    @NotNull
    @DurationMin(millis = 1)
    private Duration initialBackoff = Duration.ofMillis(200);

    /** Longest pause between attempts while Consul cannot be reached. */
    @NotNull
    @DurationMin(millis = 1)
    private Duration maxBackoff = Duration.ofSeconds(10);

    /**
     * After Consul was unreachable or restarted, how long instances it listed before stay in rotation
     * while it does not list them as passing yet (they register again within seconds). Zero: trust the
     * first answer at once.
     */
    @NotNull
    @DurationMin(millis = 0)
    private Duration resyncGrace = Duration.ofSeconds(30);

    /**
     * Most times the lowest Consul weight among a service's instances that an instance's weight is
     * honoured; a higher one is clamped to it (and shown in /actuator/mesh). 10 covers real capacity
     * differences (a 16-core node beside a 2-core one is 8:1) while one registrant beside two peers
     * draws at most 10/12 of the calls, not all of them as with 10,000:1.
     */
    @Min(1)
    @Max(ServiceWeights.MAX)
    private int maxWeightRatio = 10;

    public int getMaxWeightRatio() {
        return maxWeightRatio;
    }

    public void setMaxWeightRatio(int maxWeightRatio) {
        this.maxWeightRatio = maxWeightRatio;
    }

    /**
     * Most blocking queries this process keeps open on its Consul agent: one per service it calls, per
     * failover datacenter of it, and per service it subsets (to follow the service's callers). Each holds
     * a thread and an HTTP connection; one more fails the call that needed it, naming this setting.
     */
    @Min(1)
    @Max(10_000)
    private int maxBlockingQueries = 64;

    public int getMaxBlockingQueries() {
        return maxBlockingQueries;
    }

    public void setMaxBlockingQueries(int maxBlockingQueries) {
        this.maxBlockingQueries = maxBlockingQueries;
    }

    public Duration getResyncGrace() {
        return resyncGrace;
    }

    public void setResyncGrace(Duration resyncGrace) {
        this.resyncGrace = resyncGrace;
    }

    public Duration getWait() {
        return wait;
    }

    public void setWait(Duration wait) {
        this.wait = wait;
    }

    public Duration getFirstAnswerTimeout() {
        return firstAnswerTimeout;
    }

    public void setFirstAnswerTimeout(Duration firstAnswerTimeout) {
        this.firstAnswerTimeout = firstAnswerTimeout;
    }

    public Duration getInitialBackoff() {
        return initialBackoff;
    }

    public void setInitialBackoff(Duration initialBackoff) {
        this.initialBackoff = initialBackoff;
    }

    public Duration getMaxBackoff() {
        return maxBackoff;
    }

    public void setMaxBackoff(Duration maxBackoff) {
        this.maxBackoff = maxBackoff;
    }
}
