package dev.consulmesh.testsupport;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A registry's timers by id, written {@code name{key=value, ...}} (tags sorted), for comparing two registries. */
public final class TimerIds {

    private TimerIds() {
    }

    /** Every timer of {@code meters} by its id, with what {@code figure} reads of it. */
    public static <T> Map<String, T> of(MeterRegistry meters, Function<Timer, T> figure) {
        Map<String, T> timers = new TreeMap<>();
        for (Meter meter : meters.getMeters()) {
            if (meter instanceof Timer timer) {
                timers.put(id(meter), figure.apply(timer));
            }
        }
        return timers;
    }

    private static String id(Meter meter) {
        return meter.getId().getName() + meter.getId().getTags().stream()
                .map(tag -> tag.getKey() + "=" + tag.getValue()).collect(Collectors.joining(", ", "{", "}"));
    }
}
