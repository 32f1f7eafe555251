package dev.consulmesh.pool;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RecentCallWindowTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long MILLI = 1_000_000L;
    // far from zero, so that bucket arithmetic on negative or small clocks is not what is tested
    private static final long START = 1_000 * SECOND;

    @Test
    void ratesFailureShareAndP99OfCallsOverTheLastThirtySeconds() {
        RecentCallWindow window = new RecentCallWindow(START - 60 * SECOND);
        // 20 s of calls, 10 a second: one in ten fails; 2% of them take 200 ms, the rest 2 ms
        for (int i = 0; i < 200; i++) {
            long at = START + i * SECOND / 10;
            window.latency(i % 50 == 0 ? 200 * MILLI : 2 * MILLI, at);
            window.outcome(i % 10 != 0, at);
        }
        RecentCallWindow.Summary summary = window.summary(START + 20 * SECOND);

        // 200 calls over the ~29-30 s the window covers
        assertThat(summary.callsPerSecond()).isCloseTo(200 / 29.0, within(0.4));
        assertThat(summary.failurePercent()).isCloseTo(10, within(0.01));
        assertThat(summary.p99Millis()).as("p99: the slow 2%% set it, within the 25%% of its bucket")
                .isBetween(200.0, 250.0);
    }

    @Test
    void aNodeSeenOnlyLatelyIsRatedOverTheTimeItWasSeen() {
        RecentCallWindow window = new RecentCallWindow(START);
        for (int i = 0; i < 50; i++) {
            window.outcome(true, START + i * SECOND / 10);
        }
        assertThat(window.summary(START + 5 * SECOND).callsPerSecond()).isCloseTo(10, within(0.1));
    }

    @Test
    void callsAgeOutOfTheWindowAndLeaveZeroesNotStaleFigures() {
        RecentCallWindow window = new RecentCallWindow(START - 60 * SECOND);
        window.latency(5 * MILLI, START);
        window.outcome(false, START);

        RecentCallWindow.Summary later = window.summary(START + 31 * SECOND);

        assertThat(later.callsPerSecond()).isZero();
        assertThat(later.failurePercent()).isZero();
        assertThat(later.p99Millis()).isZero();
    }
}
