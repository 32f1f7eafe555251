package dev.consulmesh.pool;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ShareSettingsTest {

    private static final Duration WINDOW = Duration.ofSeconds(30);

    private static long seconds(double s) {
        return (long) (s * 1_000_000_000L);
    }

    @Test
    void theDefaultsFollowConsulsWeightsWithoutSlowStart() {
        ShareSettings defaults = ShareSettings.defaults();
        assertThat(defaults.consulWeights()).isTrue();
        assertThat(defaults.slowStart()).isFalse();
        assertThat(defaults.rampFactor(0)).isEqualTo(1.0);
        assertThat(defaults.rampFactor(seconds(1))).isEqualTo(1.0);
    }

    @Test
    void aLinearRampGrowsWithTheShareOfTheWindowThatPassedFromTheMinimumShare() {
        ShareSettings linear = new ShareSettings(true, WINDOW, 1.0, 10.0);
        assertThat(linear.slowStart()).isTrue();
        assertThat(linear.rampFactor(0)).isEqualTo(0.1);
        assertThat(linear.rampFactor(seconds(1.5))).as("5 %% of the window is below the minimum share").isEqualTo(0.1);
        assertThat(linear.rampFactor(seconds(7.5))).isCloseTo(0.25, within(1e-9));
        assertThat(linear.rampFactor(seconds(15))).isCloseTo(0.5, within(1e-9));
        assertThat(linear.rampFactor(seconds(27))).isCloseTo(0.9, within(1e-9));
    }

    @Test
    void theFullWeightOnceTheWindowIsOver() {
        ShareSettings linear = new ShareSettings(true, WINDOW, 1.0, 10.0);
        assertThat(linear.rampFactor(WINDOW.toNanos() - 1)).isLessThan(1.0).isCloseTo(1.0, within(1e-6));
        assertThat(linear.rampFactor(WINDOW.toNanos())).isEqualTo(1.0);
        assertThat(linear.rampFactor(seconds(3_600))).isEqualTo(1.0);
    }

    @Test
    void aggressionIsTheRootOfTheTimeFactorAsInEnvoy() {
        // Envoy: max(min_weight_percent, (t / window) ^ (1 / aggression))
        assertThat(new ShareSettings(true, WINDOW, 2.0, 1.0).rampFactor(seconds(7.5)))
                .as("aggression 2 at a quarter of the window: sqrt(0.25)").isCloseTo(0.5, within(1e-9));
        assertThat(new ShareSettings(true, WINDOW, 4.0, 1.0).rampFactor(seconds(30.0 / 16)))
                .as("aggression 4 at a sixteenth of the window").isCloseTo(0.5, within(1e-9));
        assertThat(new ShareSettings(true, WINDOW, 0.5, 1.0).rampFactor(seconds(15)))
                .as("aggression 0.5 grows slower at first: 0.5 ^ 2").isCloseTo(0.25, within(1e-9));
        assertThat(new ShareSettings(true, WINDOW, 3.0, 1.0).rampFactor(seconds(9)))
                .isCloseTo(Math.pow(0.3, 1.0 / 3), within(1e-9));
    }

    @Test
    void theMinimumShareHoldsUntilTheRampPassesIt() {
        ShareSettings half = new ShareSettings(true, WINDOW, 1.0, 50.0);
        assertThat(half.rampFactor(seconds(3))).isEqualTo(0.5);
        assertThat(half.rampFactor(seconds(15))).isCloseTo(0.5, within(1e-9));
        assertThat(half.rampFactor(seconds(24))).isCloseTo(0.8, within(1e-9));
        assertThat(half.rampFactor(-seconds(1))).as("a clock read before the start counts as the start").isEqualTo(0.5);
    }

    @Test
    void theRampNeverShrinksOverTheWindow() {
        ShareSettings fast = new ShareSettings(true, WINDOW, 2.5, 5.0);
        double previous = 0;
        for (long t = 0; t <= WINDOW.toNanos(); t += seconds(0.25)) {
            double factor = fast.rampFactor(t);
            assertThat(factor).isBetween(0.05, 1.0).isGreaterThanOrEqualTo(previous);
            previous = factor;
        }
    }

    @Test
    void wrongSettingsAreRefusedSayingWhichAndWhatWasGiven() {
        assertThatThrownBy(() -> new ShareSettings(true, Duration.ofSeconds(-1), 1.0, 10.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slow-start window must be zero or positive, got PT-1S");
        assertThatThrownBy(() -> new ShareSettings(true, null, 1.0, 10.0))
                .hasMessageContaining("slow-start window");
        assertThatThrownBy(() -> new ShareSettings(true, WINDOW, 0.0, 10.0))
                .hasMessage("slow-start aggression must be above 0 and at most 100, got 0.0");
        assertThatThrownBy(() -> new ShareSettings(true, WINDOW, Double.NaN, 10.0))
                .hasMessageContaining("slow-start aggression");
        assertThatThrownBy(() -> new ShareSettings(true, WINDOW, 101.0, 10.0))
                .hasMessageContaining("slow-start aggression");
        assertThatThrownBy(() -> new ShareSettings(true, WINDOW, 1.0, 0.0))
                .hasMessage("slow-start min-weight-percent must be above 0 and at most 100, got 0.0");
        assertThatThrownBy(() -> new ShareSettings(true, WINDOW, 1.0, 100.5))
                .hasMessageContaining("slow-start min-weight-percent");
    }
}
