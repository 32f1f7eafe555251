package dev.consulmesh.observation;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The timers of one of the mesh's observations ({@link MeshObservations}), recorded without an
 * observation: the same name and tags Micrometer's meter handler gives an observation's timer — its
 * low-cardinality key values and {@code error} (the failure's simple class name, or {@code none}) — so
 * dashboards and alerts read the same series either way. Each timer is registered once and kept: a stop
 * is a map look-up, not a registration by tags. Used when nothing but Micrometer's meter handlers would
 * watch the observations: no tracing, no handler of the application's own.
 */
public final class DirectTimers {

    static final String ERROR = "error";
    private static final String NO_ERROR = "none";

    private final MeterRegistry meters;
    private final String name;
    private final List<String> keys;
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

    /** @param keys the names of the tags, in the order {@link #record} is given their values */
    public DirectTimers(MeterRegistry meters, String name, String... keys) {
        this.meters = meters;
        this.name = name;
        this.keys = List.of(keys);
    }

    /** The registry's monotonic time, in nanoseconds: where a timing starts. */
    public long now() {
        return meters.config().clock().monotonicTime();
    }

    /** Records the time since {@code startedAt} ({@link #now()}) with the tags' values, in {@code keys}' order. */
    public void record(long startedAt, Throwable error, String... values) {
        if (values.length != keys.size()) {
            throw new IllegalArgumentException(name + " takes values for " + keys + ", got " + Arrays.toString(values));
        }
        Key key = new Key(Arrays.asList(values), error == null ? NO_ERROR : error.getClass().getSimpleName());
        timers.computeIfAbsent(key, this::register).record(now() - startedAt, TimeUnit.NANOSECONDS);
    }

    private Timer register(Key key) {
        Tags tags = Tags.of(ERROR, key.error());
        for (int i = 0; i < keys.size(); i++) {
            tags = tags.and(keys.get(i), key.values().get(i));
        }
        return Timer.builder(name).tags(tags).register(meters);
    }

    /** A timer's tag values, in {@code keys}' order, and the error's. */
    private record Key(List<String> values, String error) {
    }
}
