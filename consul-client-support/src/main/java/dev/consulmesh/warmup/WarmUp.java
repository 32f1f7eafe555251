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
 * and no later than ready-within of the application's start), then says
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
    private final Instant applicationStarted;

    /**
     * @param steps          in the order they run: the application's, then the library's loopback step
     * @param applicationStarted when the application started (its context's startup), from which ready-within counts
     */
    public WarmUp(WarmUpProperties properties, List<WarmUpStep> steps, MeterRegistry meters, Instant applicationStarted) {
        this.properties = properties;
        this.steps = List.copyOf(steps);
        this.meters = meters;
        this.applicationStarted = applicationStarted;
    }

    /** Runs every step; returns how long the whole warm-up took. */
    public Duration run() {
        long started = System.nanoTime();
        Duration leftOfReadyWithin = properties.getReadyWithin().minus(Duration.between(applicationStarted, Instant.now()));
        boolean startBounds = leftOfReadyWithin.compareTo(properties.getMaxDuration()) < 0;
        Duration budget = !startBounds ? properties.getMaxDuration() : leftOfReadyWithin.isNegative() ? Duration.ZERO : leftOfReadyWithin;
        String bound = startBounds ? "ready-within " + properties.getReadyWithin().toMillis() + " ms of the application's start"
                : "max-duration";
        long deadline = started + budget.toNanos();
        List<String> done = new ArrayList<>();
        for (WarmUpStep step : steps) {
            done.add(runStep(step, deadline));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        record("all", took);
        log.info("warm-up done in {} ms (at most {} ms, mesh.warm-up.{}): {}; reporting ready", took.toMillis(),
                budget.toMillis(), bound, String.join("; ", done));
        return took;
    }

    private String runStep(WarmUpStep step, long deadline) {
        long started = System.nanoTime();
        if (started >= deadline) {
            return step.name() + " skipped: its time was up (mesh.warm-up.max-duration, ready-within)";
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
