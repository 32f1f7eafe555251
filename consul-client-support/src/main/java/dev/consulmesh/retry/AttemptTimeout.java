package dev.consulmesh.retry;

import dev.consulmesh.window.LatencyWindow;

import java.time.Duration;
import java.util.Locale;

/**
 * The attempt timeout of one service, following its latency: {@code multiplier} times the chosen
 * percentile of its answered attempts over the last ten seconds, between a floor and the configured
 * attempt timeout (the cap). A stuck node then costs an idempotent call a few times the service's usual
 * latency instead of the whole cap, and the call goes on to another node. Only answered attempts count:
 * timeouts of a stuck node do not stretch the timeout that cuts them short. A call's last attempt waits
 * up to the cap, so a service that turns slow everywhere is still answered, and its answers raise the
 * timeout to match.
 */
public final class AttemptTimeout {

    /** How long a worked-out timeout is used before it is worked out again from the window. */
    private static final long REFRESH_NANOS = 100_000_000L;

    private final AttemptTimeoutSettings settings;
    private final LatencyWindow latencies;
    /** The adaptive timeout last worked out, and when; a race between two callers only works it out twice. */
    private volatile Adapted adapted;

    public AttemptTimeout(AttemptTimeoutSettings settings, LatencyWindow latencies) {
        this.settings = settings;
        this.latencies = latencies;
    }

    /** An attempt of the service answered after {@code latencyNanos}. */
    public void answered(long latencyNanos, long nowNanos) {
        latencies.record(latencyNanos, nowNanos);
    }

    /** The timeout of an attempt starting now; {@code last}: the call's last attempt, which waits up to the cap. */
    public long nanos(boolean last, long nowNanos) {
        if (last || !settings.adaptive()) {
            return settings.cap().toNanos();
        }
        Adapted latest = adapted;
        if (latest == null || nowNanos - latest.atNanos > REFRESH_NANOS) {
            latest = new Adapted(adaptedNanos(nowNanos), nowNanos);
            adapted = latest;
        }
        return latest.timeoutNanos;
    }

    private long adaptedNanos(long nowNanos) {
        long percentile = latencies.percentileNanos(settings.percentile(), nowNanos);
        if (percentile < 0) {
            return settings.cap().toNanos();
        }
        long wanted = (long) Math.min(Long.MAX_VALUE / 2.0, settings.multiplier() * percentile);
        return Math.max(settings.floor().toNanos(), Math.min(settings.cap().toNanos(), wanted));
    }

    private record Adapted(long timeoutNanos, long atNanos) {
    }

    /** The timeout now and how it came about, for people watching the mesh. */
    public String describe(long nowNanos) {
        long cap = settings.cap().toMillis();
        if (!settings.adaptive()) {
            return "fixed at " + cap + " ms (adaptive-attempt-timeout off)";
        }
        long percentile = latencies.percentileNanos(settings.percentile(), nowNanos);
        if (percentile < 0) {
            return cap + " ms: too few answered attempts in the last " + LatencyWindow.SPAN.toSeconds()
                    + " s to follow the service's latency";
        }
        return String.format(Locale.ROOT, "%.1f ms: %s x p%s %.1f ms of the answered attempts in the last %d s,"
                        + " between %d ms and %d ms (the last attempt of a call waits up to %d ms)",
                nanos(false, nowNanos) / 1e6, settings.multiplier(), percentileName(), percentile / 1e6,
                LatencyWindow.SPAN.toSeconds(), settings.floor().toMillis(), cap, cap);
    }

    private String percentileName() {
        double value = settings.percentile() * 100;
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
