package dev.consulmesh.testsupport;

import dev.consulmesh.client.MeshClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Closed-loop load on one pattern of a service: {@code callers} concurrent loops calling for a while,
 * each call's time kept, failures counted. For tests that print what a caller saw (shares, percentiles)
 * and assert on behaviour with generous margins.
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
            List<Long> sorted = new ArrayList<>(micros);
            Collections.sort(sorted);
            return sorted.isEmpty() ? 0
                    : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1)) / 1_000;
        }
    }
}
