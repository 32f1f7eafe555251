package dev.consulmesh.registration;

import dev.consulmesh.discovery.ServiceWeights;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How this process registers itself in Consul. A process that serves TCP handlers registers its TCP
 * endpoint with a TCP check; any other registers its HTTP port with an HTTP check of its health.
 */
@Validated
@ConfigurationProperties("mesh.registration")
public class RegistrationProperties {

    /** Whether to register in Consul at all. */
    private boolean enabled = true;

    /** Service name in Consul; empty: spring.application.name. */
    private String serviceName;

    /** Instance id; empty: service-name-host-port, unique and the same after a restart. */
    private String instanceId;

    /**
     * Address registered for an HTTP-only service (a TCP node uses its TCP server's advertised-host).
     * Empty: the first non-loopback IPv4 address of this host.
     */
    private String advertisedHost;

    /**
     * Address Consul's health check connects to, when the agent reaches this process by another
     * address than callers do (for example a local agent and 127.0.0.1). Empty: the advertised address.
     */
    private String checkHost;

    /** Path of the HTTP health check of an HTTP-only service. */
    @NotNull
    private String healthCheckPath = "/actuator/health/readiness";

    /** How often Consul runs the health check. */
    @NotNull
    @DurationMin(millis = 100)
    private Duration checkInterval = Duration.ofSeconds(5);

    /** How long one run of the health check may take. */
    @NotNull
    @DurationMin(millis = 100)
    private Duration checkTimeout = Duration.ofSeconds(2);

    /**
     * How long an instance may stay critical before Consul removes it (so a crashed node disappears by
     * itself). Consul's minimum is 1 minute; its reaper runs every 30 seconds.
     */
    @NotNull
    @DurationMin(minutes = 1)
    private Duration deregisterCriticalAfter = Duration.ofMinutes(1);

    /**
     * How long a process keeps serving after it deregistered on shutdown, so callers that still had it
     * in their healthy set learn it left before its servers stop.
     */
    @NotNull
    @DurationMin(millis = 0)
    private Duration drainPeriod = Duration.ofSeconds(2);

    /**
     * How often to ask Consul whether it still lists this instance; an agent that restarted forgot it,
     * and it is registered again.
     */
    @NotNull
    @DurationMin(millis = 100)
    private Duration verifyInterval = Duration.ofSeconds(2);

    /** First pause after a failed registration or check while the agent cannot be reached; doubles each time. */
    @NotNull
    @DurationMin(millis = 10)
    private Duration retryInitialBackoff = Duration.ofMillis(500);

    /** Longest pause between attempts while the agent cannot be reached. */
    @NotNull
    @DurationMin(millis = 10)
    private Duration retryMaxBackoff = Duration.ofSeconds(5);

    /** Tags registered with the instance. */
    private List<String> tags = new ArrayList<>();

    /** Metadata registered with the instance. */
    private Map<String, String> meta = new LinkedHashMap<>();

    /** Consul's weights of the instance: its share of calls relative to the service's other instances. */
    @Valid
    private final Weights weights = new Weights();

    /** Consul's Weights.Passing and Weights.Warning of the instance. */
    public static class Weights {

        /** The instance's share while its checks pass (a node at 3 takes about three times a node at 1). */
        @Min(1)
        @Max(ServiceWeights.MAX)
        private int passing = 1;

        /** Its share while a check warns; 0 keeps it out of rotation then. */
        @Min(0)
        @Max(ServiceWeights.MAX)
        private int warning = 1;

        public int getPassing() {
            return passing;
        }

        public void setPassing(int passing) {
            this.passing = passing;
        }

        public int getWarning() {
            return warning;
        }

        public void setWarning(int warning) {
            this.warning = warning;
        }

        /**
         * @throws IllegalArgumentException naming the property when a weight is out of range (for a
         *                                  registration built without Spring's validation)
         */
        public ServiceWeights toWeights() {
            if (passing < 1 || passing > ServiceWeights.MAX) {
                throw new IllegalArgumentException("mesh.registration.weights.passing must be 1.." + ServiceWeights.MAX
                        + ", got " + passing);
            }
            if (warning < 0 || warning > ServiceWeights.MAX) {
                throw new IllegalArgumentException("mesh.registration.weights.warning must be 0.." + ServiceWeights.MAX
                        + ", got " + warning);
            }
            return ServiceWeights.of(passing, warning);
        }
    }

    public Weights getWeights() {
        return weights;
    }

    public Duration getVerifyInterval() {
        return verifyInterval;
    }

    public void setVerifyInterval(Duration verifyInterval) {
        this.verifyInterval = verifyInterval;
    }

    public Duration getRetryInitialBackoff() {
        return retryInitialBackoff;
    }

    public void setRetryInitialBackoff(Duration retryInitialBackoff) {
        this.retryInitialBackoff = retryInitialBackoff;
    }

    public Duration getRetryMaxBackoff() {
        return retryMaxBackoff;
    }

    public void setRetryMaxBackoff(Duration retryMaxBackoff) {
        this.retryMaxBackoff = retryMaxBackoff;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getServiceName() {
        return serviceName;
    }

    public void setServiceName(String serviceName) {
        this.serviceName = serviceName;
    }

    public String getInstanceId() {
        return instanceId;
    }

    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    public String getAdvertisedHost() {
        return advertisedHost;
    }

    public void setAdvertisedHost(String advertisedHost) {
        this.advertisedHost = advertisedHost;
    }

    public String getCheckHost() {
        return checkHost;
    }

    public void setCheckHost(String checkHost) {
        this.checkHost = checkHost;
    }

    public String getHealthCheckPath() {
        return healthCheckPath;
    }

    public void setHealthCheckPath(String healthCheckPath) {
        this.healthCheckPath = healthCheckPath;
    }

    public Duration getCheckInterval() {
        return checkInterval;
    }

    public void setCheckInterval(Duration checkInterval) {
        this.checkInterval = checkInterval;
    }

    public Duration getCheckTimeout() {
        return checkTimeout;
    }

    public void setCheckTimeout(Duration checkTimeout) {
        this.checkTimeout = checkTimeout;
    }

    public Duration getDeregisterCriticalAfter() {
        return deregisterCriticalAfter;
    }

    public void setDeregisterCriticalAfter(Duration deregisterCriticalAfter) {
        this.deregisterCriticalAfter = deregisterCriticalAfter;
    }

    public Duration getDrainPeriod() {
        return drainPeriod;
    }

    public void setDrainPeriod(Duration drainPeriod) {
        this.drainPeriod = drainPeriod;
    }

    public List<String> getTags() {
        return tags;
    }

    public void setTags(List<String> tags) {
        this.tags = tags;
    }

    public Map<String, String> getMeta() {
        return meta;
    }

    public void setMeta(Map<String, String> meta) {
        this.meta = meta;
    }
}
