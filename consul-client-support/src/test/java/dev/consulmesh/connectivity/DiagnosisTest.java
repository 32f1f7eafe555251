package dev.consulmesh.connectivity;

import dev.consulmesh.discovery.InstanceHealth;
import dev.consulmesh.discovery.ServiceNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DiagnosisTest {

    private static final ServiceNode NODE = new ServiceNode("push-1", "push", "10.0.0.7", 3001, Map.of());
    private static final Duration TIMEOUT = Duration.ofMillis(800);

    private static InstanceHealth consul(InstanceHealth.Status status, String output) {
        return new InstanceHealth("push-1", status, output);
    }

    private static String diagnose(ProbeOutcome outcome, InstanceHealth health) {
        return diagnose(outcome, health, false);
    }

    private static String diagnose(ProbeOutcome outcome, InstanceHealth health, boolean answeredBefore) {
        return Diagnosis.of(NODE, new ProbeResult(outcome, Duration.ofMillis(3), "detail"), health, TIMEOUT, answeredBefore).text();
    }

    @Test
    void refusedWhileConsulPassesMeansTheRegisteredAddressIsWrong() {
        assertThat(diagnose(ProbeOutcome.REFUSED, consul(InstanceHealth.Status.PASSING, "")))
                .startsWith("Consul reports passing but 10.0.0.7:3001 refuses connections — the registered address is not where the node listens");
    }

    @Test
    void refusedWhereTheNodeAnsweredBeforeMeansItStoppedEvenIfConsulHasNotNoticedYet() {
        assertThat(diagnose(ProbeOutcome.REFUSED, consul(InstanceHealth.Status.PASSING, ""), true))
                .isEqualTo("port closed on 10.0.0.7:3001 — the process stopped or restarted (it answered here before);"
                        + " Consul reports passing until its next check");
    }

    @Test
    void refusedWhileConsulIsCriticalMeansThePortIsClosedAndConsulWillDeregister() {
        assertThat(diagnose(ProbeOutcome.REFUSED, consul(InstanceHealth.Status.CRITICAL, "dial tcp: connection refused")))
                .startsWith("port closed on 10.0.0.7:3001 — the process is down or listening on another interface (bound to 127.0.0.1?)")
                .contains("Consul reports critical — waiting for deregistration (dial tcp: connection refused)");
    }

    @Test
    void aFailedHandshakeNamesTheCallersTlsSettingsAndNoPropertyOfTheNodesApplication() {
        assertThat(diagnose(ProbeOutcome.TLS_FAILED, consul(InstanceHealth.Status.PASSING, "")))
                .contains("check the caller's mesh.client.tls (or mesh.client.services.push.tls)")
                .contains("the node's TLS settings")
                .doesNotContain("push.tcp").doesNotContain("mesh.tcp");
    }

    @Test
    void aConnectionNotMadeInTimePointsAtFirewallOrRoute() {
        assertThat(diagnose(ProbeOutcome.CONNECT_TIMEOUT, consul(InstanceHealth.Status.CRITICAL, "i/o timeout")))
                .startsWith("no answer from 10.0.0.7:3001 within 800 ms — firewall or route");
    }

    @Test
    void anAcceptedConnectionWithoutAnswerIsAStoppedOrStuckProcess() {
        assertThat(diagnose(ProbeOutcome.NOT_ANSWERING, consul(InstanceHealth.Status.PASSING, "")))
                .startsWith("10.0.0.7:3001 accepts connections but does not answer a request within 800 ms")
                .contains("stopped, overloaded or stuck")
                .endsWith("Consul reports passing (a TCP check only connects)");
    }

    @Test
    void aNodeConsulNoLongerListsSaysSo() {
        assertThat(diagnose(ProbeOutcome.REFUSED, null)).endsWith("Consul no longer lists it");
    }

    @Test
    void anAnsweringNodeIsReachable() {
        assertThat(diagnose(ProbeOutcome.ANSWERS, consul(InstanceHealth.Status.PASSING, "")))
                .isEqualTo("reachable: 10.0.0.7:3001 answered in 3 ms");
    }

    @Test
    void aChangeOfOutcomeOrConsulStatusIsANewState() {
        Diagnosis refused = Diagnosis.of(NODE, new ProbeResult(ProbeOutcome.REFUSED, Duration.ZERO, ""),
                consul(InstanceHealth.Status.PASSING, ""), TIMEOUT, false);
        Diagnosis again = Diagnosis.of(NODE, new ProbeResult(ProbeOutcome.REFUSED, Duration.ofMillis(9), ""),
                consul(InstanceHealth.Status.PASSING, ""), TIMEOUT, false);
        Diagnosis critical = Diagnosis.of(NODE, new ProbeResult(ProbeOutcome.REFUSED, Duration.ZERO, ""),
                consul(InstanceHealth.Status.CRITICAL, "down"), TIMEOUT, false);
        assertThat(again.differsFrom(refused)).isFalse();
        assertThat(critical.differsFrom(refused)).isTrue();
        assertThat(refused.differsFrom(null)).isTrue();
    }
}
