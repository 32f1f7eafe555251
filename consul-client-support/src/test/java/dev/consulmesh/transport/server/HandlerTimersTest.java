package dev.consulmesh.transport.server;

import dev.consulmesh.observation.MeshInstrumentation;
import dev.consulmesh.testsupport.TimerIds;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A node's handler timers alone are the timers its handler observations record: same ids, same counts. */
class HandlerTimersTest {

    private final ObjectMapper mapper = new ObjectMapper();

    static final class Handlers {

        @MessagePattern("read")
        String read() {
            return "news";
        }

        @MessagePattern("broken")
        String broken() {
            throw new IllegalStateException("this handler is broken");
        }

        @EventPattern("task")
        void task() {
        }
    }

    @Test
    void timersAloneRecordTheSameHandlerTimersAsObservations() {
        SimpleMeterRegistry observedMeters = new SimpleMeterRegistry();
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(
                new DefaultMeterObservationHandler(observedMeters, DefaultMeterObservationHandler.IgnoredMeters.LONG_TASK_TIMER));
        serve(MeshInstrumentation.observing(registry));

        SimpleMeterRegistry timedMeters = new SimpleMeterRegistry();
        serve(MeshInstrumentation.timing(timedMeters));

        Map<String, Long> observed = TimerIds.of(observedMeters, Timer::count);
        assertThat(observed).as("what the observations recorded")
                .containsEntry("mesh.server.handler{error=none, kind=request, outcome=success, pattern=read}", 2L)
                .containsEntry("mesh.server.handler{error=none, kind=event, outcome=success, pattern=task}", 1L)
                .containsEntry("mesh.server.handler{error=IllegalStateException, kind=request, outcome=error, pattern=broken}", 1L)
                .hasSize(3);
        assertThat(TimerIds.of(timedMeters, Timer::count)).isEqualTo(observed);
    }

    /** Two reads, a broken handler and an event, through the server pipeline instrumented so. */
    private void serve(MeshInstrumentation instrumentation) {
        HandlerRegistry handlers = new HandlerRegistry(new PatternRoute(mapper));
        AnnotatedHandlers.register(handlers, new Handlers(), mapper);
        EmbeddedChannel channel = new EmbeddedServerConnection(new TcpServerProperties(), handlers, new PacketCodec(mapper),
                instrumentation).channel;
        try {
            send(channel, "{\"pattern\":\"read\",\"data\":null,\"id\":\"a\"}");
            send(channel, "{\"pattern\":\"read\",\"data\":null,\"id\":\"b\"}");
            send(channel, "{\"pattern\":\"broken\",\"data\":null,\"id\":\"c\"}");
            send(channel, "{\"pattern\":\"task\",\"data\":null}");
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static void send(EmbeddedChannel channel, String json) {
        channel.writeInbound(Unpooled.copiedBuffer(json.length() + "#" + json, StandardCharsets.UTF_8));
        channel.runPendingTasks();
        for (ByteBuf out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            out.release();
        }
    }
}
