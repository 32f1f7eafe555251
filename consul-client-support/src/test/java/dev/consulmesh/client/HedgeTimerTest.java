package dev.consulmesh.client;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The hedge timer: a delay ends no earlier than asked, a cancelled one never, a closed timer takes none. */
class HedgeTimerTest {

    private final HedgeTimer timer = new HedgeTimer();

    @AfterEach
    void close() {
        timer.close();
    }

    @Test
    void aDelayEndsNoEarlierThanAskedAndOnTheTimersThread() {
        AtomicReference<String> endedOn = new AtomicReference<>();
        long started = System.nanoTime();

        Long tick = timer.after(Duration.ofMillis(30)).doOnNext(ignored -> endedOn.set(Thread.currentThread().getName()))
                .block(Duration.ofSeconds(5));

        assertThat(tick).isZero();
        assertThat(System.nanoTime() - started).as("nanoseconds waited").isGreaterThanOrEqualTo(Duration.ofMillis(30).toNanos());
        assertThat(endedOn.get()).startsWith("mesh-hedge-timer");
    }

    @Test
    void aCancelledDelayNeverEnds() throws Exception {
        AtomicReference<Long> ticked = new AtomicReference<>();
        Disposable waiting = timer.after(Duration.ofMillis(30)).subscribe(ticked::set);

        waiting.dispose();
        Thread.sleep(300);

        assertThat(ticked.get()).as("a tick after cancelling").isNull();
    }

    @Test
    void aClosedTimerSaysSo() {
        timer.close();

        Throwable failure = catchThrowable(() -> timer.after(Duration.ofMillis(1)).block(Duration.ofSeconds(5)));

        assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
