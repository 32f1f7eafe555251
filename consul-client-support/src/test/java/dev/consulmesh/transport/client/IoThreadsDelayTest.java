package dev.consulmesh.transport.client;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** A delay timed by the I/O threads: on the caller's own loop, at least as long as asked, gone once cancelled. */
class IoThreadsDelayTest {

    private final IoThreads io = IoThreads.dedicated("delay-test", 2);

    @AfterEach
    void close() {
        io.close();
    }

    @Test
    void aDelayAskedOnAnIoThreadEndsOnThatThreadAfterAtLeastItsTime() throws Exception {
        AtomicReference<Thread> askedOn = new AtomicReference<>();
        AtomicReference<Thread> endedOn = new AtomicReference<>();
        long[] took = new long[1];
        io.loop(1).submit(() -> {
            askedOn.set(Thread.currentThread());
            long started = System.nanoTime();
            io.delay(Duration.ofMillis(30)).doOnNext(tick -> {
                took[0] = System.nanoTime() - started;
                endedOn.set(Thread.currentThread());
            }).subscribe();
        }).sync();

        Thread.sleep(500);

        assertThat(endedOn.get()).as("the thread the delay ended on").isSameAs(askedOn.get());
        assertThat(took[0]).as("nanoseconds waited").isGreaterThanOrEqualTo(Duration.ofMillis(30).toNanos());
    }

    @Test
    void aDelayFromAnotherThreadEndsOnTheFirstIoThreadWhereThatThreadsCallsRun() {
        AtomicReference<Thread> endedOn = new AtomicReference<>();
        Mono<Long> delay = io.delay(Duration.ofMillis(5)).doOnNext(tick -> endedOn.set(Thread.currentThread()));

        assertThat(delay.block(Duration.ofSeconds(5))).isZero();
        assertThat(io.loop(0).inEventLoop(endedOn.get())).as("ended on the first I/O thread").isTrue();
    }

    @Test
    void aCancelledDelayNeverEnds() throws Exception {
        AtomicReference<Long> ticked = new AtomicReference<>();
        Disposable waiting = io.delay(Duration.ofMillis(50)).subscribe(ticked::set);

        waiting.dispose();
        Thread.sleep(300);

        assertThat(ticked.get()).as("a tick after cancelling").isNull();
    }
}
