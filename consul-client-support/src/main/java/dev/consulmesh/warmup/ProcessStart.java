package dev.consulmesh.warmup;

import java.time.Duration;
import java.time.Instant;

/**
 * When {@code mesh.warm-up.ready-within} starts counting: the process's start, as whoever times "start to
 * ready" sees it. That is the JVM's start, a second or more before Spring's context begins to build, for
 * the application a JVM was started for. An application context that began only after ready-within had
 * already passed since the JVM started is not that start (a test JVM running one context after another,
 * a restart within the JVM): for it, the context's own start counts.
 */
public final class ProcessStart {

    private ProcessStart() {
    }

    /**
     * @param jvmStarted     when the JVM started (its runtime's start time)
     * @param contextStarted when the application's context began to build
     */
    public static Instant of(Instant jvmStarted, Instant contextStarted, Duration readyWithin) {
        boolean contextOfTheJvmsStart = Duration.between(jvmStarted, contextStarted).compareTo(readyWithin) < 0;
        return contextOfTheJvmsStart ? jvmStarted : contextStarted;
    }
}
