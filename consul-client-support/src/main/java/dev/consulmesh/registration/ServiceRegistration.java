package dev.consulmesh.registration;

import dev.consulmesh.discovery.ServiceWeights;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one instance registers in Consul.
 *
 * @param instanceId     unique per agent, the same after a restart
 * @param serviceName    the service it is an instance of
 * @param host           the address callers connect to
 * @param port           the port callers connect to
 * @param check          its health check
 * @param tags           tags
 * @param meta           metadata
 * @param weights        Consul's weights of the instance (its share while passing, while warning)
 */
public record ServiceRegistration(String instanceId, String serviceName, String host, int port, HealthCheck check,
                                  List<String> tags, Map<String, String> meta, ServiceWeights weights) {

    /** With Consul's default weights (1, 1). */
    public ServiceRegistration(String instanceId, String serviceName, String host, int port, HealthCheck check,
                               List<String> tags, Map<String, String> meta) {
        this(instanceId, serviceName, host, port, check, tags, meta, ServiceWeights.DEFAULT);
    }

    public ServiceRegistration {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(check, "check");
        tags = tags == null ? List.of() : List.copyOf(tags);
        meta = meta == null ? Map.of() : Map.copyOf(meta);
        weights = weights == null ? ServiceWeights.DEFAULT : weights;
    }

    /** The default instance id: service-host-port, with characters Consul ids and URLs keep. */
    public static String defaultInstanceId(String serviceName, String host, int port) {
        return (serviceName + "-" + host + "-" + port).replaceAll("[^A-Za-z0-9_.-]", "-");
    }

    /**
     * A TCP check ({@code tcp} is host:port) or an HTTP check ({@code http} is a URL), with how often
     * it runs, how long one run may take and how long an instance may stay critical; its name and notes
     * are what Consul's UI shows an operator beside its status: what it checks and what critical means.
     */
    public record HealthCheck(String tcp, String http, Duration interval, Duration timeout,
                              Duration deregisterCriticalAfter, String name, String notes) {

        public HealthCheck {
            if ((tcp == null) == (http == null)) {
                throw new IllegalArgumentException("a check is either TCP or HTTP");
            }
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(deregisterCriticalAfter, "deregisterCriticalAfter");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(notes, "notes");
            if (deregisterCriticalAfter.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("mesh.registration.deregister-critical-after must be at least 1m"
                        + " (Consul's minimum), got " + deregisterCriticalAfter);
            }
        }

        /** The check of a node: Consul connects to its TCP port. */
        public static HealthCheck tcp(String hostPort, RegistrationProperties properties) {
            return new HealthCheck(hostPort, null, properties.getCheckInterval(), properties.getCheckTimeout(),
                    properties.getDeregisterCriticalAfter(), "TCP port " + hostPort,
                    "Consul connects to " + hostPort + " every " + every(properties) + ". Critical: the node's TCP"
                            + " server does not accept connections there (the process is down or stopping, or"
                            + " mesh.registration.check-host is not an address this agent reaches); callers route"
                            + " only to passing instances.");
        }

        /** The check of an HTTP service: Consul asks its readiness. */
        public static HealthCheck http(String url, RegistrationProperties properties) {
            return new HealthCheck(null, url, properties.getCheckInterval(), properties.getCheckTimeout(),
                    properties.getDeregisterCriticalAfter(), "Readiness " + url,
                    "Consul asks " + url + " every " + every(properties) + ". Critical: the process is not ready"
                            + " to serve its own callers (starting, stopping, or its readiness group DOWN) or does"
                            + " not answer. The services it calls show in its /actuator/health and /actuator/mesh,"
                            + " not here.");
        }

        private static String every(RegistrationProperties properties) {
            Duration interval = properties.getCheckInterval();
            return interval.toMillis() % 1000 == 0 ? interval.toSeconds() + " s" : interval.toMillis() + " ms";
        }
    }
}
