package dev.consulmesh.testsupport;

import dev.consulmesh.client.MeshClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Load on one pattern of a service, each call's time kept, failures counted: closed-loop ({@link #run},
 * concurrent loops calling for a while, as fast as answers come) or open-loop ({@link #atRate}, calls
 * started on a schedule whatever the answers do). For tests that print what a caller saw (shares,
 * percentiles) and assert on behaviour with generous margins. Latencies of two callers are compared at
 * the same rate: loops as fast as they go put the faster caller under more load.
 */
public final class CallLoad {

    private CallLoad() {
    }

    /** Calls {@code pattern} of {@code service} (no data) from {@code callers} loops for {@code duration}. */
    public static Figures run(MeshClient mesh, String service, String pattern, Duration duration, int callers) {
        List<Long> micros = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failed = new AtomicInteger();
        long end = System.nanoTime() + duration.toNanos();
        Flux.range(0, callers)
                .flatMap(caller -> Mono.defer(() -> {
                    long start = System.nanoTime();
                    return mesh.send(service, pattern, null)
                            .doOnSuccess(reply -> micros.add((System.nanoTime() - start) / 1_000))
                            .onErrorResume(error -> {
                                failed.incrementAndGet();
                                return Mono.empty();
                            });
                }).repeat(() -> System.nanoTime() < end).then(), callers)
                .blockLast(duration.plus(Duration.ofSeconds(10)));
        return new Figures(new ArrayList<>(micros), failed.get());
    }

    /**
     * Calls {@code pattern} of {@code service} (no data) {@code perSecond} times a second for {@code duration},
     * each started when it is due whether or not the ones before it answered, and timed from when it was due:
     * a caller that stalls is charged for every call it delays (no coordinated omission).
     */
    public static Figures atRate(MeshClient mesh, String service, String pattern, Duration duration, int perSecond) {
        int total = (int) (duration.toNanos() * perSecond / 1_000_000_000L);
        long period = 1_000_000_000L / perSecond;
        List<Long> micros = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch ended = new CountDownLatch(total);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * period;
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            mesh.send(service, pattern, null).subscribe(
                    reply -> { },
                    error -> {
                        failed.incrementAndGet();
                        ended.countDown();
                    },
                    () -> {
                        micros.add((System.nanoTime() - due) / 1_000);
                        ended.countDown();
                    });
        }
        try {
            if (!ended.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(ended.getCount() + " of " + total + " calls still unanswered 30 s after the last was made");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calls ran", e);
        }
        return new Figures(new ArrayList<>(micros), failed.get());
    }

    /**
     * What the loops saw.
     *
     * @param micros the answered calls' times, in microseconds
     * @param failed calls that failed
     * @param calls  calls made
     */
    public record Figures(List<Long> micros, int failed, int calls) {

        Figures(List<Long> micros, int failed) {
            this(micros, failed, micros.size() + failed);
        }

        /** The percentile of the answered calls' times, in milliseconds. */
        public long percentile(double percent) {
            return percentileMicros(percent) / 1_000;
        }

        /** The percentile of the answered calls' times, in microseconds. */
        public long percentileMicros(double percent) {
            List<Long> sorted = new ArrayList<>(micros);
            Collections.sort(sorted);
            return sorted.isEmpty() ? 0
                    : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
        }
    }
}
