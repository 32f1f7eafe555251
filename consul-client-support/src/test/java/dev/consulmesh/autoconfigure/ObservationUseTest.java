package dev.consulmesh.autoconfigure;

import dev.consulmesh.observation.MeshInstrumentation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class ObservationUseTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MockEnvironment tracingExportOff = new MockEnvironment().withProperty(ObservationUse.TRACING_EXPORT, "false");
    private final MockEnvironment tracingExportOn = new MockEnvironment().withProperty(ObservationUse.TRACING_EXPORT, "true");

    @Test
    void meterHandlersAloneMeanTimersAlone() {
        DefaultListableBeanFactory beans = handlers(new DefaultMeterObservationHandler(meters));
        assertThat(ObservationUse.of(beans, new MockEnvironment(), ObservationRegistry.create(), meters))
                .hasToString("timers without observations");
    }

    @Test
    void tracingsHandlersCountOnlyWhileTracesAreExported() {
        DefaultListableBeanFactory beans = handlers(new DefaultMeterObservationHandler(meters),
                new DefaultTracingObservationHandler(Tracer.NOOP));
        assertThat(ObservationUse.of(beans, tracingExportOff, ObservationRegistry.create(), meters))
                .as("the shipped services: spans would go nowhere, no context is sent").hasToString("timers without observations");
        assertThat(ObservationUse.of(beans, tracingExportOn, ObservationRegistry.create(), meters)).hasToString("observations");
        assertThat(ObservationUse.of(beans, new MockEnvironment(), ObservationRegistry.create(), meters))
                .as("Spring Boot exports when the switch is not set").hasToString("observations");
    }

    @Test
    void aHandlerOfTheApplicationsOwnMeansObservations() {
        DefaultListableBeanFactory beans = handlers(new DefaultMeterObservationHandler(meters), new ApplicationHandler());
        assertThat(ObservationUse.of(beans, tracingExportOff, ObservationRegistry.create(), meters)).hasToString("observations");
    }

    @Test
    void noMeterHandlerNoMetersOrNoRegistryChangeNothing() {
        assertThat(ObservationUse.of(handlers(), tracingExportOff, ObservationRegistry.create(), meters))
                .as("no handler: observations record nothing, as before").hasToString("observations");
        DefaultListableBeanFactory metered = handlers(new DefaultMeterObservationHandler(meters));
        assertThat(ObservationUse.of(metered, tracingExportOff, ObservationRegistry.create(), null)).hasToString("observations");
        assertThat(ObservationUse.of(metered, tracingExportOff, null, meters)).isSameAs(MeshInstrumentation.NONE);
    }

    private static DefaultListableBeanFactory handlers(ObservationHandler<?>... handlers) {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        for (int i = 0; i < handlers.length; i++) {
            beans.registerSingleton("handler" + i, handlers[i]);
        }
        return beans;
    }

    private static final class ApplicationHandler implements ObservationHandler<Observation.Context> {
        @Override
        public boolean supportsContext(Observation.Context context) {
            return true;
        }
    }
}
