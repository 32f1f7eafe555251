package dev.consulmesh.observation;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import dev.consulmesh.testsupport.TimerIds;
import org.junit.jupiter.api.Test;
import reactor.util.context.Context;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.StringNode;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Timers alone record what observations' timers record: dashboards read the same series either way. */
class ClientObservationsTest {

    private enum Kind { TIMED_OUT, REMOTE_ERROR }

    @Test
    void timersAloneRecordTheSameTimersWithTheSameTagsCountsAndTimesAsObservations() {
        MockClock observedClock = new MockClock();
        SimpleMeterRegistry observedMeters = new SimpleMeterRegistry(SimpleConfig.DEFAULT, observedClock);
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(
                new DefaultMeterObservationHandler(observedMeters, DefaultMeterObservationHandler.IgnoredMeters.LONG_TASK_TIMER));
        exercise(new ClientObservations(MeshInstrumentation.observing(registry)), observedClock);

        MockClock timedClock = new MockClock();
        SimpleMeterRegistry timedMeters = new SimpleMeterRegistry(SimpleConfig.DEFAULT, timedClock);
        exercise(new ClientObservations(MeshInstrumentation.timing(timedMeters)), timedClock);

        Map<String, String> observed = TimerIds.of(observedMeters, ClientObservationsTest::countAndTime);
        assertThat(observed).as("what the observations recorded").hasSize(7)
                .containsKey("mesh.client.call{error=IllegalStateException, kind=request, outcome=timed_out,"
                        + " pattern=fetchLatestNews, service=news}");
        assertThat(TimerIds.of(timedMeters, ClientObservationsTest::countAndTime)).isEqualTo(observed);
    }

    @Test
    void timersAloneSendNoTraceContextAndHaveNoParent() {
        ClientObservations timed = new ClientObservations(MeshInstrumentation.timing(new SimpleMeterRegistry()));
        assertThat(timed.callerOf(Context.empty())).isNull();
        ClientObservations.Observed call = timed.startCall("news", StringNode.valueOf("fetchLatestNews"), false, null);
        assertThat(timed.startAttempt(call, "news", StringNode.valueOf("fetchLatestNews"), false, "10.0.0.1:3001").headers())
                .isEmpty();
    }

    /** A call answered at its second attempt, a call timed out, an event cancelled: each step 5 ms on the clock. */
    private static void exercise(ClientObservations observations, MockClock clock) {
        JsonNode news = StringNode.valueOf("fetchLatestNews");
        JsonNode task = new ObjectMapper().createObjectNode().put("cmd", "fetchNewsTask");

        ClientObservations.Observed answered = observations.startCall("news", news, false, null);
        ClientObservations.Attempt first = observations.startAttempt(answered, "news", news, false, "10.0.0.1:3001");
        clock.add(Duration.ofMillis(5));
        first.observed().failed(Kind.REMOTE_ERROR, new IllegalArgumentException("refused"));
        ClientObservations.Attempt second = observations.startAttempt(answered, "news", news, false, "10.0.0.2:3001");
        clock.add(Duration.ofMillis(5));
        second.observed().succeeded();
        answered.succeeded();
        answered.failed(Kind.TIMED_OUT, new IllegalStateException("ended twice")); // ends once

        ClientObservations.Observed timedOut = observations.startCall("news", news, false, null);
        ClientObservations.Attempt only = observations.startAttempt(timedOut, "news", news, false, "10.0.0.1:3001");
        clock.add(Duration.ofMillis(5));
        only.observed().failed(Kind.TIMED_OUT, new IllegalStateException("no answer"));
        timedOut.failed(Kind.TIMED_OUT, new IllegalStateException("no answer"));

        ClientObservations.Observed event = observations.startCall("news", task, true, null);
        ClientObservations.Attempt emitted = observations.startAttempt(event, "news", task, true, "10.0.0.1:3001");
        clock.add(Duration.ofMillis(5));
        emitted.observed().cancelled();
        event.cancelled();
    }

    private static String countAndTime(Timer timer) {
        return timer.count() + " in " + timer.totalTime(TimeUnit.MILLISECONDS) + " ms";
    }
}
