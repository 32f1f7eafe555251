package dev.consulmesh.pool;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class EjectionBackoffTest {

    private static EjectionSettings settings(double jitter) {
        return new EjectionSettings(3, Duration.ofSeconds(1), Duration.ofSeconds(15), jitter, 0, Duration.ofSeconds(1));
    }

    @Test
    void doublesWithEachEjectionInARowUpToTheMaximum() {
        EjectionBackoff backoff = new EjectionBackoff(settings(0), () -> 0.5);
        assertThat(backoff.forEjection(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.forEjection(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.forEjection(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(backoff.forEjection(5)).isEqualTo(Duration.ofSeconds(15));
        assertThat(backoff.forEjection(1000)).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void jitterSpreadsEachTimeByItsShareEitherWay() {
        assertThat(new EjectionBackoff(settings(0.25), () -> 0.0).forEjection(2)).isEqualTo(Duration.ofMillis(1500));
        assertThat(new EjectionBackoff(settings(0.25), () -> 0.999999).forEjection(2)).isEqualTo(Duration.ofMillis(2500));
        assertThat(new EjectionBackoff(settings(0.25), () -> 0.5).forEjection(2)).isEqualTo(Duration.ofMillis(2000));
    }
}
