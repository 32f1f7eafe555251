package dev.consulmesh.warmup;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessStartTest {

    private static final Instant JVM_STARTED = Instant.parse("2026-12-07T10:00:00Z");
    private static final Duration READY_WITHIN = Duration.ofSeconds(17);

    @Test
    void theApplicationAJvmWasStartedForCountsFromTheJvmsStart() {
        Instant contextStarted = JVM_STARTED.plusMillis(2_400);

        assertThat(ProcessStart.of(JVM_STARTED, contextStarted, READY_WITHIN)).isEqualTo(JVM_STARTED);
    }

    @Test
    void aContextBegunAfterReadyWithinOfTheJvmCountsFromItsOwnStart() {
        Instant contextStarted = JVM_STARTED.plusSeconds(95); // a later context of a test JVM

        assertThat(ProcessStart.of(JVM_STARTED, contextStarted, READY_WITHIN)).isEqualTo(contextStarted);
        assertThat(ProcessStart.of(JVM_STARTED, JVM_STARTED.plus(READY_WITHIN), READY_WITHIN))
                .isEqualTo(JVM_STARTED.plus(READY_WITHIN));
    }
}
