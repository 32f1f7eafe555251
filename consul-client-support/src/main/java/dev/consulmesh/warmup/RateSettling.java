package dev.consulmesh.warmup;

import java.time.Duration;

/**
 * When a step's rate has settled: the JIT compiled what it runs, more calls would not make it faster. The
 * step's completed calls are counted per slice of {@code time / 4}; it settled when four slices in a row
 * did not beat the best slice before them by more than {@code percent}, and the best slice had at least
 * {@link #MIN_CALLS_PER_SLICE} calls: with fewer, noise (a GC pause, a busy neighbour) looks like a plateau.
 */
public record RateSettling(Duration time, int percent) {

    static final int SLICES = 4;
    static final int MIN_CALLS_PER_SLICE = 100;

    public RateSettling {
        if (time.isNegative() || time.isZero() || percent < 0) {
            throw new IllegalArgumentException("mesh.warm-up.settle-time must be positive and"
                    + " mesh.warm-up.settle-percent at least 0, got " + time + " and " + percent);
        }
    }

    public Duration slice() {
        return time.dividedBy(SLICES);
    }

    public Watch watch() {
        return new Watch();
    }

    /** One step's slices. Not thread-safe: one thread samples the counts. */
    public final class Watch {

        private long best;
        private int flat;

        /** @return whether the rate settled, counting this slice's completed calls */
        public boolean settledAfterSlice(long completed) {
            if (completed > best * (100 + percent) / 100.0) {
                best = completed;
                flat = 0;
                return false;
            }
            flat++;
            return best >= MIN_CALLS_PER_SLICE && flat >= SLICES;
        }
    }
}
