package dev.consulmesh.retry;

import dev.consulmesh.window.LatencyWindow;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttemptTimeoutTest {

    private static final long MILLI = 1_000_000L;
    private static final long SECOND = 1_000 * MILLI;
    private static final long START = 1_000 * SECOND;
    private static final AttemptTimeoutSettings DEFAULTS = new AttemptTimeoutSettings(Duration.ofSeconds(2), true,
            Duration.ofMillis(50), 3, 0.99);

    private static AttemptTimeout answeredIn(AttemptTimeoutSettings settings, long latencyNanos, int times) {
        AttemptTimeout timeout = new AttemptTimeout(settings, new LatencyWindow());
        for (int i = 0; i < times; i++) {
            timeout.answered(latencyNanos, START);
        }
        return timeout;
    }

    @Test
    void untilTheServiceAnsweredEnoughAttemptsItIsTheCap() {
        AttemptTimeout timeout = answeredIn(DEFAULTS, MILLI, 19);
        assertThat(timeout.nanos(false, START)).isEqualTo(2 * SECOND);
        assertThat(timeout.describe(START)).startsWith("2000 ms: too few answered attempts");
    }

    @Test
    void aFastServiceGetsTheFloorAndASlowerOneAMultipleOfItsPercentile() {
        assertThat(answeredIn(DEFAULTS, MILLI, 100).nanos(false, START)).isEqualTo(50 * MILLI);

        long timeout = answeredIn(DEFAULTS, 100 * MILLI, 100).nanos(false, START);
        assertThat(timeout).as("3 x p99 of 100 ms, within the histogram's 25%").isBetween(300 * MILLI, 375 * MILLI);

        assertThat(answeredIn(DEFAULTS, 1500 * MILLI, 100).nanos(false, START)).as("capped").isEqualTo(2 * SECOND);
    }

    @Test
    void aCallsLastAttemptAndAFixedTimeoutWaitTheCap() {
        assertThat(answeredIn(DEFAULTS, MILLI, 100).nanos(true, START)).isEqualTo(2 * SECOND);
        assertThat(answeredIn(AttemptTimeoutSettings.fixed(Duration.ofSeconds(2)), MILLI, 100).nanos(false, START))
                .isEqualTo(2 * SECOND);
    }

    @Test
    void itFollowsTheLatencyAsOldAnswersLeaveTheWindow() {
        AttemptTimeout timeout = answeredIn(DEFAULTS, 200 * MILLI, 100);
        assertThat(timeout.nanos(false, START)).isGreaterThan(500 * MILLI);
        for (int i = 0; i < 100; i++) {
            timeout.answered(MILLI, START + 11 * SECOND);
        }
        assertThat(timeout.nanos(false, START + 11 * SECOND)).isEqualTo(50 * MILLI);
        assertThat(timeout.describe(START + 11 * SECOND)).startsWith("50.0 ms: 3.0 x p99 ");
    }

    @Test
    void aFloorAboveTheCapIsRefused() {
        assertThatThrownBy(() -> new AttemptTimeoutSettings(Duration.ofMillis(40), true, Duration.ofMillis(50), 3, 0.99))
                .hasMessageContaining("floor 50 ms is longer than the attempt timeout 40 ms");
    }
}
