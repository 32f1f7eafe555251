package dev.consulmesh.warmup;

/**
 * One part of a process's warm-up, run before it reports ready. The library's own step exercises the
 * transport on loopback; an application adds a bean of this type for its hot path (the gateway: its HTTP
 * route). A step must send another service only calls of patterns declared idempotent: it runs them many
 * times.
 */
public interface WarmUpStep {

    /** A short name for the log line and the metric's {@code step} tag. */
    String name();

    /** How many calls the step may make under these settings: {@code mesh.warm-up.calls} unless it has its own. */
    default int callsIn(WarmUpProperties properties) {
        return properties.getCalls();
    }

    /**
     * Runs the step within its budget: at most {@link WarmUpBudget#calls()} calls, {@link
     * WarmUpBudget#concurrency()} at once, none started after its deadline. Blocks until done.
     */
    StepResult run(WarmUpBudget budget);
}
