package dev.consulmesh.warmup;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateSettlingTest {

    /** The JIT's compilation time, as the test sets it. */
    private final AtomicLong compilingMillis = new AtomicLong();
    private final RateSettling settling = new RateSettling(Duration.ofSeconds(2), 5, compilingMillis::get);

    @Test
    void aRateThatKeepsRisingNeverSettles() {
        RateSettling.Watch watch = settling.watch();
        for (long completed = 100; completed < 10_000; completed = completed * 11 / 10) {
            assertThat(watch.settledAfterSlice(completed)).as("slice of %d", completed).isFalse();
        }
    }

    @Test
    void aFlatRateSettlesAfterFourSlicesNoBetterThanTheBest() {
        RateSettling.Watch watch = settling.watch();
        assertThat(watch.settledAfterSlice(1000)).isFalse();
        assertThat(watch.settledAfterSlice(1040)).isFalse(); // within 5 %: flat 1
        assertThat(watch.settledAfterSlice(990)).isFalse();  // flat 2
        assertThat(watch.settledAfterSlice(1020)).isFalse(); // flat 3
        assertThat(watch.settledAfterSlice(1000)).isTrue();  // flat 4
    }

    @Test
    void aSliceAboveTheBestStartsTheCountAgain() {
        RateSettling.Watch watch = settling.watch();
        watch.settledAfterSlice(1000);
        watch.settledAfterSlice(1000);
        watch.settledAfterSlice(1000);
        assertThat(watch.settledAfterSlice(1200)).isFalse(); // the JIT finished something: a new best
        assertThat(watch.settledAfterSlice(1200)).isFalse();
        assertThat(watch.settledAfterSlice(1200)).isFalse();
        assertThat(watch.settledAfterSlice(1200)).isFalse();
        assertThat(watch.settledAfterSlice(1200)).isTrue();
    }

    @Test
    void aFlatRateWhileTheJitKeepsCompilingHasNotSettled() {
        RateSettling.Watch watch = settling.watch();
        watch.settledAfterSlice(1000);
        for (int slice = 0; slice < 10; slice++) {
            compilingMillis.addAndGet(300); // a compiler thread busy for 60 % of each 500 ms slice
            assertThat(watch.settledAfterSlice(1000)).as("flat slice %d, the JIT busy", slice).isFalse();
        }
        compilingMillis.addAndGet(40);
        assertThat(watch.settledAfterSlice(1000)).as("the JIT quiet for one slice of four").isFalse();
        for (int slice = 0; slice < 2; slice++) {
            compilingMillis.addAndGet(40);
            assertThat(watch.settledAfterSlice(1000)).isFalse();
        }
        compilingMillis.addAndGet(40);
        assertThat(watch.settledAfterSlice(1000)).as("4 slices, 160 ms of 2 s compiling: under 10 %").isTrue();
    }

    @Test
    void theJvmsOwnCompilationTimeIsRead() {
        long before = RateSettling.jvmCompilingMillis().getAsLong();
        assertThat(before).isNotNegative();
        assertThat(RateSettling.jvmCompilingMillis().getAsLong()).isGreaterThanOrEqualTo(before);
    }

    @Test
    void tooFewCallsPerSliceToTellNoiseFromATrendNeverSettle() {
        RateSettling.Watch watch = settling.watch();
        for (int i = 0; i < 10; i++) {
            assertThat(watch.settledAfterSlice(0)).isFalse();
        }
        for (int i = 0; i < 10; i++) {
            assertThat(watch.settledAfterSlice(RateSettling.MIN_CALLS_PER_SLICE - 1)).isFalse();
        }
    }

    @Test
    void slicesAreAQuarterOfTheSettleTime() {
        assertThat(settling.slice()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aZeroSettleTimeIsRefusedNamingTheProperty() {
        assertThatThrownBy(() -> new RateSettling(Duration.ZERO, 5)).hasMessageContaining("mesh.warm-up.settle-time");
    }
}
