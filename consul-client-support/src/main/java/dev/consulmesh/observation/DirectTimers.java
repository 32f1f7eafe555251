package dev.consulmesh.observation;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

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

    /** @param keys the names of the tags, in the order {@link #record} is given their values (at most four) */
    public DirectTimers(MeterRegistry meters, String name, String... keys) {
        if (keys.length > Key.VALUES) {
            throw new IllegalArgumentException("at most " + Key.VALUES + " tags besides error, got " + List.of(keys));
        }
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
            throw new IllegalArgumentException(name + " takes values for " + keys + ", got " + List.of(values));
        }
        Key key = Key.of(values, error == null ? NO_ERROR : error.getClass().getSimpleName());
        timers.computeIfAbsent(key, this::register).record(now() - startedAt, TimeUnit.NANOSECONDS);
    }

    private Timer register(Key key) {
        Tags tags = Tags.of(ERROR, key.error());
        for (int i = 0; i < keys.size(); i++) {
            tags = tags.and(keys.get(i), key.value(i));
        }
        return Timer.builder(name).tags(tags).register(meters);
    }

    /** A timer's tag values: up to four, then the error's. */
    private record Key(String v0, String v1, String v2, String v3, String error) {

        static final int VALUES = 4;

        static Key of(String[] values, String error) {
            return new Key(at(values, 0), at(values, 1), at(values, 2), at(values, 3), error);
        }

        private static String at(String[] values, int i) {
            return i < values.length ? values[i] : null;
        }

        String value(int i) {
            return switch (i) {
                case 0 -> v0;
                case 1 -> v1;
                case 2 -> v2;
                default -> v3;
            };
        }
    }
}
