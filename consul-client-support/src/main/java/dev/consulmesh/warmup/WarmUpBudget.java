package dev.consulmesh.warmup;

import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What one step may spend: at most {@code calls} calls, {@code concurrency} in flight, none started after
 * {@code deadline} (a {@link System#nanoTime()} value), and none once its rate settled ({@link RateSettling}):
 * a JVM already warm (a second application context, a JIT that compiled everything) stops early. None either
 * once every call failed for as long as settling takes: a path with nothing behind it (no node of the
 * service up yet) fails fast and warms little, and would spend the whole budget doing so.
 */
public record WarmUpBudget(int calls, int concurrency, long deadline, RateSettling settling) {

    /** Calls still running this long after the deadline are abandoned (each has its own timeout anyway). */
    private static final Duration GRACE = Duration.ofSeconds(5);

    public WarmUpBudget {
        if (calls < 0 || concurrency < 1) {
            throw new IllegalArgumentException("a warm-up budget needs calls >= 0 and concurrency >= 1, got "
                    + calls + " and " + concurrency);
        }
    }

    /**
     * Makes the calls {@code call} returns, keeping {@code concurrency} in flight, until the budget's calls
     * are made, its deadline passed, the rate settled or every call failed for a settle-time; blocks until
     * the last one completed. A call that fails is counted, not retried.
     */
    public StepResult spend(Supplier<? extends Publisher<?>> call) {
        AtomicLong made = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong succeeded = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Disposable running = Flux.range(0, calls)
                .takeWhile(ignored -> !stop.get() && System.nanoTime() < deadline)
                .flatMap(ignored -> Mono.defer(() -> {
                    made.incrementAndGet();
                    return Flux.from(call.get()).then().doOnSuccess(ignoredValue -> succeeded.incrementAndGet());
                }).onErrorResume(error -> {
                    failed.incrementAndGet();
                    return Mono.empty();
                }).doFinally(signal -> completed.incrementAndGet()), concurrency, 1)
                .doFinally(signal -> finished.countDown())
                .subscribe();
        RateSettling.Watch watch = settling.watch();
        StepResult.End end = StepResult.End.SPENT;
        long completedBefore = 0;
        long succeededBefore = 0;
        int failingSlices = 0;
        try {
            while (!finished.await(settling.slice().toNanos(), TimeUnit.NANOSECONDS)) {
                long completedNow = completed.get();
                long succeededNow = succeeded.get();
                long completedInSlice = completedNow - completedBefore;
                // failing: no call succeeded since the last success, over slices in which calls ended (a slice in
                // which none ended, a pause of a JVM still starting, neither counts nor breaks the run)
                if (succeededNow != succeededBefore) {
                    failingSlices = 0;
                } else if (completedInSlice > 0) {
                    failingSlices++;
                }
                if (end == StepResult.End.SPENT && failingSlices >= RateSettling.SLICES) {
                    end = StepResult.End.FAILING;
                    stop.set(true);
                } else if (end == StepResult.End.SPENT && watch.settledAfterSlice(completedInSlice)) {
                    end = StepResult.End.SETTLED;
                    stop.set(true);
                }
                completedBefore = completedNow;
                succeededBefore = succeededNow;
                if (System.nanoTime() - deadline > GRACE.toNanos()) {
                    running.dispose(); // calls stuck past their own timeouts: what ran is what the step did
                    break;
                }
            }
        } catch (InterruptedException e) {
            running.dispose();
            Thread.currentThread().interrupt();
        }
        return StepResult.ran(made.get(), failed.get(), end);
    }
}
