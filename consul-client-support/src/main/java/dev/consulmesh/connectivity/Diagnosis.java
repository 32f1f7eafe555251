package dev.consulmesh.connectivity;

import dev.consulmesh.discovery.InstanceHealth;
import dev.consulmesh.discovery.ServiceNode;

import java.time.Duration;
import java.time.Instant;

/**
 * What a connectivity check concluded about a node, in words an operator can act on: what the probe
 * found at the registered address, set against what Consul's own checks say.
 *
 * @param outcome what the probe found
 * @param consul  Consul's view of the instance, null when Consul no longer lists it
 * @param text    the diagnosis
 * @param at      when the check ran
 */
public record Diagnosis(ProbeOutcome outcome, InstanceHealth.Status consul, String text, Instant at) {

    /**
     * Classifies a probe of {@code node} given Consul's view of it ({@code null}: not listed).
     *
     * @param answeredBefore whether the node answered calls at this address before: a refusal then
     *                       means it stopped, not that it was registered at the wrong address
     */
    public static Diagnosis of(ServiceNode node, ProbeResult probe, InstanceHealth health, Duration probeTimeout,
                               boolean answeredBefore) {
        String address = node.address();
        String consulSays = consulSays(health);
        boolean consulPassing = health != null && health.isPassing();
        String text = switch (probe.outcome()) {
            case ANSWERS -> "reachable: " + address + " answered in " + probe.took().toMillis() + " ms"
                    + (consulPassing ? "" : "; " + consulSays);
            case REFUSED -> consulPassing && answeredBefore
                    ? "port closed on " + address + " — the process stopped or restarted (it answered here before);"
                            + " Consul reports passing until its next check"
                    : consulPassing
                    ? "Consul reports passing but " + address + " refuses connections — the registered address is not"
                            + " where the node listens (its Consul check reaches it at another address: check-host, or a"
                            + " bind address such as 127.0.0.1)"
                    : "port closed on " + address + " — the process is down or listening on another interface"
                            + " (bound to 127.0.0.1?); " + consulSays;
            case CONNECT_TIMEOUT -> "no answer from " + address + " within " + probeTimeout.toMillis()
                    + " ms — firewall or route; " + consulSays;
            case NO_ROUTE -> "no route to " + address + " — the host is down or on a network this host cannot reach ("
                    + probe.detail() + "); " + consulSays;
            case NOT_ANSWERING -> address + " accepts connections but does not answer a request within "
                    + probeTimeout.toMillis() + " ms — the process is stopped, overloaded or stuck (a long GC pause?); "
                    + consulSays + (consulPassing ? " (a TCP check only connects)" : "");
            case TLS_FAILED -> address + " accepts connections but the TLS handshake fails (" + probe.detail()
                    + ") — check the caller's mesh.client.tls (or mesh.client.services." + node.service() + ".tls):"
                    + " its trusted certificates and client certificate against the node's TLS settings; " + consulSays;
            case CLOSED -> address + " accepts connections but closes them before answering — it is shutting down,"
                    + " expects TLS, or is not a NestJS-compatible TCP server; " + consulSays;
            case OTHER -> "cannot connect to " + address + ": " + probe.detail() + "; " + consulSays;
        };
        return new Diagnosis(probe.outcome(), health == null ? null : health.status(), text, Instant.now());
    }

    /** True when the diagnosis differs in kind from another one (a new state worth a log line). */
    public boolean differsFrom(Diagnosis other) {
        return other == null || other.outcome != outcome || other.consul != consul;
    }

    private static String consulSays(InstanceHealth health) {
        if (health == null) {
            return "Consul no longer lists it";
        }
        return switch (health.status()) {
            case PASSING -> "Consul reports passing";
            case WARNING -> "Consul reports warning (" + health.output() + ")";
            case CRITICAL -> "Consul reports critical — waiting for deregistration (" + health.output() + ")";
        };
    }
}
