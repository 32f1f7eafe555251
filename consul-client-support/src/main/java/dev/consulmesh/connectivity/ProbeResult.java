package dev.consulmesh.connectivity;

import java.time.Duration;

/**
 * The result of one connectivity probe.
 *
 * @param outcome what the probe found
 * @param took    how long the probe took
 * @param detail  the failure's own words; empty when it answered
 */
public record ProbeResult(ProbeOutcome outcome, Duration took, String detail) {

    public boolean answers() {
        return outcome == ProbeOutcome.ANSWERS;
    }
}
