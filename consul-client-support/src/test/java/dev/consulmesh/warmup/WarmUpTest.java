package dev.consulmesh.warmup;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class WarmUpTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private static WarmUpProperties settings(int calls, Duration maxDuration) {
        WarmUpProperties properties = new WarmUpProperties();
        properties.setCalls(calls);
        properties.setMaxDuration(maxDuration);
        properties.setConcurrency(4);
        properties.setSettleTime(Duration.ofSeconds(60)); // these steps are too short to settle
        return properties;
    }

    /** A step named {@code name} that does what {@code run} does with its budget. */
    private static WarmUpStep step(String name, Function<WarmUpBudget, StepResult> run) {
        return new WarmUpStep() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public StepResult run(WarmUpBudget budget) {
                return run.apply(budget);
            }
        };
    }

    /** A step that makes its budget's calls, each completing at once, and remembers its turn. */
    private static WarmUpStep counting(String name, List<String> order, AtomicInteger calls) {
        return step(name, budget -> {
            order.add(name);
            return budget.spend(() -> Mono.fromRunnable(calls::incrementAndGet));
        });
    }

    @Test
    void runsTheStepsInOrderEachWithItsCallsAndTimesEachAndTheWhole() {
        List<String> order = new ArrayList<>();
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();

        new WarmUp(settings(500, Duration.ofSeconds(30)),
                List.of(counting("first", order, first), counting("second", order, second)), meters, Instant.now()).run();

        assertThat(order).containsExactly("first", "second");
        assertThat(first).hasValue(500);
        assertThat(second).hasValue(500);
        for (String step : List.of("first", "second", "all")) {
            Timer timer = meters.find("mesh.warm-up").tag("step", step).timer();
            assertThat(timer).as("timer of step %s", step).isNotNull();
            assertThat(timer.count()).isEqualTo(1);
        }
    }

    @Test
    void aStepThatThrowsDoesNotStopTheNext() {
        List<String> order = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        WarmUpStep failing = step("failing", budget -> {
            throw new IllegalStateException("cannot warm");
        });

        new WarmUp(settings(10, Duration.ofSeconds(30)), List.of(failing, counting("next", order, calls)), meters, Instant.now()).run();

        assertThat(calls).hasValue(10);
        assertThat(meters.find("mesh.warm-up").tag("step", "all").timer()).isNotNull();
    }

    @Test
    void noStepStartsOnceTheMaxDurationIsReached() {
        List<String> order = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();

        new WarmUp(settings(100, Duration.ZERO), List.of(counting("late", order, calls)), meters, Instant.now()).run();

        assertThat(order).isEmpty();
        assertThat(calls).hasValue(0);
        assertThat(meters.find("mesh.warm-up").tag("step", "all").timer()).isNotNull();
    }

    @Test
    void aSlowStartLeavesTheWarmUpOnlyWhatIsLeftOfReadyWithin() {
        AtomicLong budgetNanos = new AtomicLong(-1);
        WarmUpStep measuring = step("measuring", budget -> {
            budgetNanos.set(budget.deadline() - System.nanoTime());
            return StepResult.ran(0, 0, StepResult.End.SPENT);
        });
        WarmUpProperties properties = settings(10, Duration.ofSeconds(10));
        properties.setReadyWithin(Duration.ofSeconds(18)); // 18 s from the process's start
        properties.setMinDuration(Duration.ZERO);

        new WarmUp(properties, List.of(measuring), meters, Instant.now().minusSeconds(17)).run();
        assertThat(budgetNanos.get()).as("nanoseconds the step had, 17 s after the process started")
                .isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1).toNanos());

        new WarmUp(properties, List.of(measuring), meters, Instant.now()).run();
        assertThat(budgetNanos.get()).as("nanoseconds the step had, right after the process started")
                .isGreaterThan(Duration.ofSeconds(9).toNanos()).isLessThanOrEqualTo(Duration.ofSeconds(10).toNanos());

        budgetNanos.set(-1);
        new WarmUp(properties, List.of(measuring), meters, Instant.now().minusSeconds(20)).run();
        assertThat(budgetNanos.get()).as("a process already past ready-within, with no min-duration, skips the warm-up")
                .isEqualTo(-1);
    }

    @Test
    void theBudgetNamesTheBoundThatSetIt() {
        WarmUpProperties properties = settings(10, Duration.ofSeconds(10)); // ready-within 18 s, min-duration 2 s
        WarmUp warmUp = new WarmUp(properties, List.of(), meters, Instant.now());

        assertThat(warmUp.budget(Duration.ofSeconds(3)))
                .isEqualTo(new WarmUp.Budget(Duration.ofSeconds(10), "max-duration"));
        assertThat(warmUp.budget(Duration.ofSeconds(12)))
                .isEqualTo(new WarmUp.Budget(Duration.ofSeconds(6), "ready-within 18000 ms of the process's start"));
        assertThat(warmUp.budget(Duration.ofSeconds(16)).time()).as("never less than min-duration")
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(warmUp.budget(Duration.ofSeconds(28)))
                .isEqualTo(new WarmUp.Budget(Duration.ofSeconds(2),
                        "min-duration, the process started 28000 ms before, past ready-within 18000 ms"));

        properties.setMaxDuration(Duration.ofSeconds(1));
        assertThat(warmUp.budget(Duration.ofSeconds(28)).time()).as("min-duration at most max-duration")
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void failedCallsAreCountedAndNotRetried() {
        WarmUpBudget budget = new WarmUpBudget(100, 8, System.nanoTime() + Duration.ofSeconds(30).toNanos(),
                new RateSettling(Duration.ofSeconds(60), 5));
        AtomicInteger made = new AtomicInteger();

        StepResult result = budget.spend(() -> made.incrementAndGet() % 2 == 0
                ? Mono.error(new IllegalStateException("no")) : Mono.empty());

        assertThat(result.calls()).isEqualTo(100);
        assertThat(result.failures()).isEqualTo(50);
        assertThat(made).hasValue(100);
    }

    @Test
    void noCallStartsAfterTheDeadline() {
        long started = System.nanoTime();
        WarmUpBudget budget = new WarmUpBudget(Integer.MAX_VALUE, 2, started + Duration.ofMillis(300).toNanos(),
                new RateSettling(Duration.ofSeconds(60), 5));

        StepResult result = budget.spend(() -> Mono.delay(Duration.ofMillis(10)));

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("deadline 300 ms: %d calls in %d ms%n", result.calls(), took.toMillis());
        assertThat(result.calls()).isBetween(1L, 300L / 10 * 2 + 2);
        assertThat(result.end()).isEqualTo(StepResult.End.SPENT);
    }

    @Test
    void aRateAlreadySettledEndsTheStepEarly() {
        WarmUpBudget budget = new WarmUpBudget(Integer.MAX_VALUE, 64, System.nanoTime() + Duration.ofSeconds(60).toNanos(),
                new RateSettling(Duration.ofMillis(400), 5, () -> 0)); // the JIT idle

        StepResult result = budget.spend(() -> Mono.delay(Duration.ofMillis(5))); // about 1,000 calls per 100 ms slice

        assertThat(result.end()).isEqualTo(StepResult.End.SETTLED);
        assertThat(result.calls()).isLessThan(Integer.MAX_VALUE);
    }

    @Test
    void aStepWhoseEveryCallFailsForASettleTimeEndsEarly() {
        long started = System.nanoTime();
        WarmUpBudget budget = new WarmUpBudget(Integer.MAX_VALUE, 8, started + Duration.ofSeconds(60).toNanos(),
                new RateSettling(Duration.ofMillis(400), 5));

        StepResult result = budget.spend(() -> Mono.delay(Duration.ofMillis(2))
                .then(Mono.error(new IllegalStateException("no node of the service is up"))));

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(result.end()).isEqualTo(StepResult.End.FAILING);
        assertThat(result.failures()).isEqualTo(result.calls()).isPositive();
        assertThat(took).as("stopped after about a settle-time, not at the 60 s deadline").isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void failingCallsSlowerThanASliceEndTheStepToo() {
        long started = System.nanoTime();
        WarmUpBudget budget = new WarmUpBudget(Integer.MAX_VALUE, 32, started + Duration.ofSeconds(60).toNanos(),
                new RateSettling(Duration.ofMillis(400), 5));

        // every call takes three slices to fail, so slices in which none ends alternate with bursts
        StepResult result = budget.spend(() -> Mono.delay(Duration.ofMillis(300))
                .then(Mono.error(new IllegalStateException("503: no node of the service is up"))));

        assertThat(result.end()).isEqualTo(StepResult.End.FAILING);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void callsThatFailOnlyAtFirstDoNotEndTheStep() {
        WarmUpBudget budget = new WarmUpBudget(Integer.MAX_VALUE, 8, System.nanoTime() + Duration.ofMillis(1500).toNanos(),
                new RateSettling(Duration.ofMillis(400), 5));
        long nodeUpAt = System.nanoTime() + Duration.ofMillis(200).toNanos();

        StepResult result = budget.spend(() -> Mono.delay(Duration.ofMillis(2)).then(System.nanoTime() < nodeUpAt
                ? Mono.error(new IllegalStateException("no node yet")) : Mono.empty()));

        assertThat(result.end()).isNotEqualTo(StepResult.End.FAILING);
        assertThat(result.failures()).isLessThan(result.calls());
    }
}
