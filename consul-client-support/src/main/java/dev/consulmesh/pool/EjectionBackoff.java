package dev.consulmesh.pool;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/** How long a node stays out of rotation: doubling with each ejection in a row, capped, jittered. */
public final class EjectionBackoff {

    private final EjectionSettings settings;
    private final DoubleSupplier random;

    public EjectionBackoff(EjectionSettings settings) {
        this(settings, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random values in [0, 1) */
    EjectionBackoff(EjectionSettings settings, DoubleSupplier random) {
        this.settings = settings;
        this.random = random;
    }

    /** The ejection time for the n-th ejection in a row (n from 1). */
    public Duration forEjection(int inARow) {
        long base = settings.baseTime().toMillis();
        long max = settings.maxTime().toMillis();
        int doublings = Math.max(0, Math.min(inARow - 1, 30));
        long plain = base > (max >> doublings) ? max : Math.min(max, base << doublings);
        double spread = settings.jitter() * (2 * random.getAsDouble() - 1);
        return Duration.ofMillis(Math.max(1, Math.round(plain * (1 + spread))));
    }
}
