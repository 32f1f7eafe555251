package dev.consulmesh.warmup;

/**
 * What one warm-up step did.
 *
 * @param calls    calls made
 * @param failures of these, calls that failed (a failed call still ran most of the path)
 * @param settled  whether it stopped early because its rate settled
 * @param skipped  why the step made no call at all, or null when it ran
 */
public record StepResult(long calls, long failures, boolean settled, String skipped) {

    public static StepResult ran(long calls, long failures, boolean settled) {
        return new StepResult(calls, failures, settled, null);
    }

    public static StepResult skipped(String why) {
        return new StepResult(0, 0, false, why);
    }
}
