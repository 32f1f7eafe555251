package dev.consulmesh.client;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Times the delays of hedged calls on a wheel that turns every {@link #TICK} (Netty's {@link HashedWheelTimer}:
 * one thread, started by the first hedged call of the mesh client). Starting a delay and cancelling it, as
 * nearly every hedged call does once its first attempt answers, each put an entry on a queue: no thread is
 * woken per call, as a scheduler's timer would be twice. A delay ends on the first tick at or after it, so a
 * hedge starts at most a tick after the hedge delay: for a service answering in a millisecond, not before an
 * attempt ran for about a tick, where a second attempt would only chase the noise of the first.
 */
final class HedgeTimer implements AutoCloseable {

    static final Duration TICK = Duration.ofMillis(10);

    private volatile HashedWheelTimer wheel;
    private boolean closed;

    /** Completes after {@code delay} (at most a tick later), on the wheel's thread; cancelling drops it. */
    Mono<Long> after(Duration delay) {
        return Mono.create(sink -> {
            Timeout due = wheel().newTimeout(ignored -> sink.success(0L), delay.toNanos(), TimeUnit.NANOSECONDS);
            sink.onCancel(due::cancel);
        });
    }

    private HashedWheelTimer wheel() {
        HashedWheelTimer started = wheel;
        if (started != null) {
            return started;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the mesh client is closed");
            }
            if (wheel == null) {
                wheel = new HashedWheelTimer(new DefaultThreadFactory("mesh-hedge-timer", true), TICK.toMillis(),
                        TimeUnit.MILLISECONDS, 64);
            }
            return wheel;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (wheel != null) {
            wheel.stop();
        }
    }
}
