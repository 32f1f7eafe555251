package dev.consulmesh.warmup;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * When a step's rate has settled: the JIT compiled what it runs, more calls would not make it faster. The
 * step's completed calls are counted per slice of {@code time / 4}; it settled when four slices in a row
 * did not beat the best slice before them by more than {@code percent}, the best slice had at least
 * {@link #MIN_CALLS_PER_SLICE} calls (with fewer, noise — a GC pause, a busy neighbour — looks like a
 * plateau), and the JIT compiled for under {@link #JIT_QUIET_PERCENT} % of those four slices' time. A cold
 * JVM's rate stays flat for seconds while its compiler works through its queue (on two busy cores, for
 * most of a minute): a flat rate alone would end the warm-up exactly when it does the most good.
 *
 * @param compilingMillis the JIT's total compilation time so far, in ms ({@link #jvmCompilingMillis()})
 */
public record RateSettling(Duration time, int percent, LongSupplier compilingMillis) {

    static final int SLICES = 4;
    static final int MIN_CALLS_PER_SLICE = 100;
    static final int JIT_QUIET_PERCENT = 10;

    public RateSettling {
        if (time.isNegative() || time.isZero() || percent < 0) {
            throw new IllegalArgumentException("mesh.warm-up.settle-time must be positive and"
                    + " mesh.warm-up.settle-percent at least 0, got " + time + " and " + percent);
        }
    }

    /** Settling as this JVM's JIT shows it. */
    public RateSettling(Duration time, int percent) {
        this(time, percent, jvmCompilingMillis());
    }

    /**
     * This JVM's accumulated compilation time ({@link CompilationMXBean#getTotalCompilationTime()}); a JVM
     * that does not tell reads 0 throughout, and then the rate alone decides.
     */
    public static LongSupplier jvmCompilingMillis() {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        return compiler != null && compiler.isCompilationTimeMonitoringSupported()
                ? compiler::getTotalCompilationTime : () -> 0;
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
        /** The JIT's compilation time at the end of each of the last slices, oldest first. */
        private final ArrayDeque<Long> compiled = new ArrayDeque<>(SLICES + 1);

        private Watch() {
            compiled.addLast(compilingMillis.getAsLong());
        }

        /** @return whether the rate settled, counting this slice's completed calls */
        public boolean settledAfterSlice(long completed) {
            compiled.addLast(compilingMillis.getAsLong());
            if (compiled.size() > SLICES + 1) {
                compiled.removeFirst();
            }
            if (completed > best * (100 + percent) / 100.0) {
                best = completed;
                flat = 0;
                return false;
            }
            flat++;
            return best >= MIN_CALLS_PER_SLICE && flat >= SLICES && jitQuiet();
        }

        /** Whether the JIT compiled for under JIT_QUIET_PERCENT of the last SLICES slices' time. */
        private boolean jitQuiet() {
            long compiling = compiled.getLast() - compiled.getFirst();
            return compiling * 100 < time.toMillis() * JIT_QUIET_PERCENT;
        }
    }
}
