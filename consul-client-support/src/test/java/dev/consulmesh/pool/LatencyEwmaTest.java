package dev.consulmesh.pool;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyEwmaTest {

    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;

    @Test
    void aSlowAnswerFadesWhileNoCallEndsSoTheNodeIsTriedAgain() {
        LatencyEwma ewma = new LatencyEwma();
        long start = 5 * SECOND;
        ewma.observe(1_500 * MS, start);

        assertThat(ewma.nanos(start) / MS).as("at once").isEqualTo(1_500.0);
        assertThat(ewma.nanos(start + 10 * SECOND) / MS).as("one decay time later: 1/e of it").isBetween(551.0, 553.0);
        assertThat(ewma.nanos(start + 60 * SECOND) / MS).as("a minute later, near what a healthy node costs").isLessThan(4.0);
    }

    @Test
    void aNodeBackFromAnEjectionStartsUnmeasured() {
        LatencyEwma ewma = new LatencyEwma();
        ewma.observe(2 * SECOND, SECOND);

        ewma.forget();

        assertThat(ewma.nanos(SECOND)).isZero();
        ewma.observe(5 * MS, 2 * SECOND);
        assertThat(ewma.nanos(2 * SECOND) / MS).as("its first answer after, taken as it is").isEqualTo(5.0);
    }
}
