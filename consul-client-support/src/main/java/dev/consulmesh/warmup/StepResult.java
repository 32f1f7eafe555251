package dev.consulmesh.warmup;

/**
 * What one warm-up step did.
 *
 * @param calls    calls made
 * @param failures of these, calls that failed (a failed call still ran most of the path)
 * @param end      why it stopped making calls; null when it was skipped
 * @param skipped  why the step made no call at all, or null when it ran
 */
public record StepResult(long calls, long failures, End end, String skipped) {

    /** Why a step that ran stopped making calls. */
    public enum End {
        /** It made its calls, or its time ran out. */
        SPENT(""),
        /** Its rate settled and the JIT went idle: more calls would not make the path faster. */
        SETTLED(", rate settled"),
        /**
         * Every call failed for a settle-time: nothing on the other side to warm against (no node of the
         * service up yet), so the rest of the budget goes to the next steps and to readiness.
         */
        FAILING(", stopped: every call failed for a settle-time");

        private final String describe;

        End(String describe) {
            this.describe = describe;
        }

        /** How the warm-up's log line says it, after the step's figures. */
        String describe() {
            return describe;
        }
    }

    public static StepResult ran(long calls, long failures, End end) {
        return new StepResult(calls, failures, end, null);
    }

    public static StepResult skipped(String why) {
        return new StepResult(0, 0, null, why);
    }
}
