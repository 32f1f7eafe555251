package dev.consulmesh.observation;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

/**
 * How the mesh instruments its calls, attempts and handlers ({@link MeshObservations}): as observations in
 * an {@link ObservationRegistry} — timers, and spans and trace context when the application traces — or,
 * when nothing but meters would watch those observations, as the same timers recorded directly in a
 * {@link MeterRegistry} ({@link DirectTimers}), which costs a fraction of an observation.
 */
public final class MeshInstrumentation {

    /** Neither observed nor timed (plain tests and tools). */
    public static final MeshInstrumentation NONE = observing(ObservationRegistry.NOOP);

    private final ObservationRegistry registry;
    private final MeterRegistry meters;

    private MeshInstrumentation(ObservationRegistry registry, MeterRegistry meters) {
        this.registry = registry;
        this.meters = meters;
    }

    /** Observations in {@code registry}: whatever its handlers make of them (timers, spans, trace context). */
    public static MeshInstrumentation observing(ObservationRegistry registry) {
        return new MeshInstrumentation(registry, null);
    }

    /** The observations' timers, recorded in {@code meters} without observations: no span, no trace context. */
    public static MeshInstrumentation timing(MeterRegistry meters) {
        return new MeshInstrumentation(ObservationRegistry.NOOP, meters);
    }

    /** Where observations go: {@link ObservationRegistry#NOOP} when timing. */
    public ObservationRegistry registry() {
        return registry;
    }

    /** The timers of the observation {@code name}, tagged with {@code keys}; null when observing. */
    public DirectTimers timers(String name, String... keys) {
        return meters == null ? null : new DirectTimers(meters, name, keys);
    }

    @Override
    public String toString() {
        return meters != null ? "timers without observations" : "observations";
    }
}
