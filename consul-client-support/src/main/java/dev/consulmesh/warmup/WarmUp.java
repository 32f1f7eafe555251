package dev.consulmesh.warmup;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a process's warm-up steps one after the other within {@code mesh.warm-up.*}'s budget (max-duration,
 * and no later than ready-within of the process's start, but at least min-duration), then says
 * what they did: one log line, and the timer {@code mesh.warm-up} (tag {@code step}: each step's name,
 * and {@code all} for the whole warm-up). A step that throws is logged and the next one runs: a warm-up
 * that cannot run delays nothing.
 */
public final class WarmUp {

    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);
    static final String METER = "mesh.warm-up";

    private final WarmUpProperties properties;
    private final List<WarmUpStep> steps;
    private final MeterRegistry meters;
    private final Instant processStarted;

    /**
     * @param steps          in the order they run: the application's, then the library's loopback step
     * @param processStarted when the process started ({@link ProcessStart}), from which ready-within counts
     */
    public WarmUp(WarmUpProperties properties, List<WarmUpStep> steps, MeterRegistry meters, Instant processStarted) {
        this.properties = properties;
        this.steps = List.copyOf(steps);
        this.meters = meters;
        this.processStarted = processStarted;
    }

    /** Runs every step; returns how long the whole warm-up took. */
    public Duration run() {
        long started = System.nanoTime();
        Budget budget = budget(Duration.between(processStarted, Instant.now()));
        long deadline = started + budget.time().toNanos();
        List<String> done = new ArrayList<>();
        for (WarmUpStep step : steps) {
            done.add(runStep(step, deadline));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        record("all", took);
        log.info("warm-up done in {} ms (at most {} ms, mesh.warm-up.{}): {}; reporting ready", took.toMillis(),
                budget.time().toMillis(), budget.bound(), String.join("; ", done));
        return took;
    }

    /**
     * How long the warm-up may take, {@code sinceStart} after the process started: max-duration, or what
     * is left of ready-within when less, but never less than min-duration (itself at most max-duration).
     */
    Budget budget(Duration sinceStart) {
        Duration leftOfReadyWithin = properties.getReadyWithin().minus(sinceStart);
        Duration floor = min(properties.getMinDuration(), properties.getMaxDuration());
        if (leftOfReadyWithin.compareTo(properties.getMaxDuration()) >= 0) {
            return new Budget(properties.getMaxDuration(), "max-duration");
        }
        if (leftOfReadyWithin.compareTo(floor) > 0) {
            return new Budget(leftOfReadyWithin, "ready-within " + properties.getReadyWithin().toMillis()
                    + " ms of the process's start");
        }
        return new Budget(floor, "min-duration, the process started " + sinceStart.toMillis()
                + " ms before, past ready-within " + properties.getReadyWithin().toMillis() + " ms");
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** The warm-up's time and the setting that set it, as the log line names it. */
    record Budget(Duration time, String bound) {
    }

    private String runStep(WarmUpStep step, long deadline) {
        long started = System.nanoTime();
        if (started >= deadline) {
            return step.name() + " skipped: its time was up";
        }
        StepResult result;
        try {
            result = step.run(new WarmUpBudget(step.callsIn(properties), properties.getConcurrency(), deadline,
                    new RateSettling(properties.getSettleTime(), properties.getSettlePercent())));
        } catch (RuntimeException e) {
            log.warn("warm-up step {} failed: {}", step.name(), e.toString());
            return step.name() + " failed (" + e.getMessage() + ")";
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        record(step.name(), took);
        if (result.skipped() != null) {
            return step.name() + " skipped: " + result.skipped();
        }
        return step.name() + " " + result.calls() + " calls (" + result.failures() + " failed) in " + took.toMillis() + " ms"
                + result.end().describe();
    }

    private void record(String step, Duration took) {
        Timer.builder(METER).description("How long the warm-up before readiness took, per step and in all")
                .tag("step", step).register(meters).record(took);
    }
}
