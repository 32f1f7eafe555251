package dev.consulmesh.autoconfigure;

import dev.consulmesh.observation.MeshInstrumentation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.env.PropertyResolver;
import org.springframework.util.ClassUtils;

import java.util.Arrays;

/**
 * How the mesh instruments its calls and handlers ({@link MeshInstrumentation}): as observations when
 * something besides meters makes use of them — traces exported and propagated
 * ({@value #TRACING_EXPORT}, Spring Boot's switch for both, true unless set), or an observation handler of
 * the application's own — and otherwise as the same timers recorded directly, which costs a fraction of
 * an observation. With tracing's handlers present but {@value #TRACING_EXPORT} false (the shipped
 * services' default) a span would go nowhere and no trace context is sent, so timers alone lose nothing
 * but the trace id in the log lines written inside a mesh handler. Spring Boot's
 * {@code management.observations.*} settings apply to observations only: with timers recorded directly,
 * {@code management.observations.key-values.*} adds no tag to them (use {@code management.metrics.tags.*})
 * and there are no {@code .active} long-task timers.
 */
final class ObservationUse {

    static final String TRACING_EXPORT = "management.tracing.export.enabled";
    private static final String TRACING_HANDLER = "io.micrometer.tracing.handler.TracingObservationHandler";
    private static final Logger log = LoggerFactory.getLogger(ObservationUse.class);

    private ObservationUse() {
    }

    /**
     * @param observations the application's registry, null without one: then the mesh is not instrumented
     * @param meters       the application's meter registry, null without one: then observations only
     */
    static MeshInstrumentation of(ListableBeanFactory beans, PropertyResolver properties, ObservationRegistry observations,
                                  MeterRegistry meters) {
        if (observations == null) {
            return MeshInstrumentation.NONE;
        }
        if (meters != null && onlyMetersUseObservations(beans, properties)) {
            log.info("the mesh's calls and handlers are timed without observations: only meters would use them"
                    + " ({}=false, no observation handler of the application's own)", TRACING_EXPORT);
            return MeshInstrumentation.timing(meters);
        }
        return MeshInstrumentation.observing(observations);
    }

    /**
     * Whether the application's observation handlers are meter handlers, at least one, and tracing's
     * handlers while traces are neither exported nor propagated.
     */
    static boolean onlyMetersUseObservations(ListableBeanFactory beans, PropertyResolver properties) {
        boolean tracingUsed = properties.getProperty(TRACING_EXPORT, Boolean.class, true);
        Class<?> tracingHandler = ClassUtils.isPresent(TRACING_HANDLER, ObservationUse.class.getClassLoader())
                ? ClassUtils.resolveClassName(TRACING_HANDLER, ObservationUse.class.getClassLoader()) : null;
        String[] handlers = beans.getBeanNamesForType(ObservationHandler.class, true, false);
        boolean anyMeters = Arrays.stream(handlers).anyMatch(name -> beans.isTypeMatch(name, MeterObservationHandler.class));
        boolean othersUnused = Arrays.stream(handlers)
                .filter(name -> !beans.isTypeMatch(name, MeterObservationHandler.class))
                .allMatch(name -> !tracingUsed && tracingHandler != null && beans.isTypeMatch(name, tracingHandler));
        return anyMeters && othersUnused;
    }
}
