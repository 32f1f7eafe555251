package dev.consulmesh.warmup;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Warm-up before readiness: a freshly started JVM interprets its call path until the JIT compiled it, and
 * serves a fraction of its settled rate meanwhile. A process of the mesh runs its call path this many
 * times before it reports ready and registers in Consul, so the first calls callers send find it
 * compiled. On by default: without it a restarted process takes full traffic while still slow.
 */
@Validated
@ConfigurationProperties("mesh.warm-up")
public class WarmUpProperties {

    /** Whether to warm up before reporting ready; off: ready as soon as started. */
    private boolean enabled = true;

    /**
     * Longest time the whole warm-up may take, every step together; a step still running then stops and
     * the process reports ready anyway. Keeps start to ready bounded however slow the machine.
     */
    @NotNull
    @DurationMin(millis = 0)
    @DurationMax(minutes = 5)
    private Duration maxDuration = Duration.ofSeconds(10);

    /**
     * Longest time from the process's start (the JVM's, see {@link ProcessStart}) to the end of its warm-up:
     * a slow start (Spring Boot on a busy machine) leaves the warm-up less than max-duration, so the process
     * still reports ready within about 18 s of its start.
     */
    @NotNull
    @DurationMin(millis = 0)
    @DurationMax(minutes = 10)
    private Duration readyWithin = Duration.ofSeconds(18);

    /**
     * Shortest warm-up, even after a start slower than ready-within: a couple of seconds of calls have the
     * JIT compile the call path's first tier, so a process that started slowly does not take its first
     * traffic fully interpreted. At most max-duration; 0: none after a slow start.
     */
    @NotNull
    @DurationMin(millis = 0)
    @DurationMax(minutes = 1)
    private Duration minDuration = Duration.ofSeconds(2);

    /**
     * Calls through an in-process loopback TCP server and client (codec, pipeline, dispatch, pending
     * requests), never to another process.
     */
    @Min(0)
    private int loopbackCalls = 20_000;

    /** Most calls each step of the application's own (such as the gateway's route) makes. */
    @Min(0)
    private int calls = 100_000;

    /** Calls of a step in flight at once. */
    @Min(1)
    @Max(1024)
    private int concurrency = 32;

    /**
     * A step ends early once its rate settled: over this long, no quarter of it served more than
     * settle-percent above the best quarter before. A JVM already warm stops after about this long.
     */
    @NotNull
    @DurationMin(millis = 100)
    private Duration settleTime = Duration.ofSeconds(2);

    /** See settle-time. */
    @Min(0)
    @Max(100)
    private int settlePercent = 5;

    public Duration getSettleTime() {
        return settleTime;
    }

    public void setSettleTime(Duration settleTime) {
        this.settleTime = settleTime;
    }

    public int getSettlePercent() {
        return settlePercent;
    }

    public void setSettlePercent(int settlePercent) {
        this.settlePercent = settlePercent;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getMaxDuration() {
        return maxDuration;
    }

    public void setMaxDuration(Duration maxDuration) {
        this.maxDuration = maxDuration;
    }

    public Duration getReadyWithin() {
        return readyWithin;
    }

    public void setReadyWithin(Duration readyWithin) {
        this.readyWithin = readyWithin;
    }

    public Duration getMinDuration() {
        return minDuration;
    }

    public void setMinDuration(Duration minDuration) {
        this.minDuration = minDuration;
    }

    public int getLoopbackCalls() {
        return loopbackCalls;
    }

    public void setLoopbackCalls(int loopbackCalls) {
        this.loopbackCalls = loopbackCalls;
    }

    public int getCalls() {
        return calls;
    }

    public void setCalls(int calls) {
        this.calls = calls;
    }

    public int getConcurrency() {
        return concurrency;
    }

    public void setConcurrency(int concurrency) {
        this.concurrency = concurrency;
    }
}
