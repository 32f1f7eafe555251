package dev.consulmesh.registration;

import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.agent.model.NewService;
import com.ecwid.consul.v1.health.HealthServicesRequest;
import com.ecwid.consul.v1.health.model.HealthService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/** Registers and deregisters instances with the local Consul agent. */
public final class ConsulRegistrar {

    private static final Logger log = LoggerFactory.getLogger(ConsulRegistrar.class);

    private final ConsulClient consul;
    private final String aclToken;
    private final String agentAddress;

    public ConsulRegistrar(ConsulClient consul, String aclToken, String agentAddress) {
        this.consul = consul;
        this.aclToken = aclToken;
        this.agentAddress = agentAddress;
    }

    public void register(ServiceRegistration registration) {
        try {
            consul.agentServiceRegister(toNewService(registration), aclToken);
        } catch (RuntimeException e) {
            throw new RegistrationException("cannot register " + registration.instanceId() + " with the Consul agent at "
                    + agentAddress + ": " + e.getMessage() + " (check spring.cloud.consul.host/port, CONSUL_HOST/CONSUL_PORT,"
                    + " and that the agent runs)", e);
        }
        log.info("registered {} in Consul at {}: service {} at {}:{} with check {}", registration.instanceId(),
                agentAddress, registration.serviceName(), registration.host(), registration.port(), describe(registration.check()));
    }

    /**
     * Whether Consul still lists the instance (an agent that restarted has forgotten it).
     *
     * @throws RuntimeException when Consul cannot be asked
     */
    public boolean isRegistered(ServiceRegistration registration) {
        List<HealthService> instances = consul.getHealthServices(registration.serviceName(), HealthServicesRequest.newBuilder()
                .setPassing(false).setToken(aclToken).build()).getValue();
        return instances != null && instances.stream()
                .anyMatch(instance -> registration.instanceId().equals(instance.getService().getId()));
    }

    public String agentAddress() {
        return agentAddress;
    }

    public void deregister(ServiceRegistration registration) {
        try {
            consul.agentServiceDeregister(registration.instanceId(), aclToken);
            log.info("deregistered {} from Consul", registration.instanceId());
        } catch (RuntimeException e) {
            log.warn("cannot deregister {} from the Consul agent at {}: {}; Consul removes it after {} critical",
                    registration.instanceId(), agentAddress, e.getMessage(), registration.check().deregisterCriticalAfter());
        }
    }

    static NewService toNewService(ServiceRegistration registration) {
        NewService service = new NewService();
        service.setId(registration.instanceId());
        service.setName(registration.serviceName());
        service.setAddress(registration.host());
        service.setPort(registration.port());
        service.setTags(registration.tags());
        service.setMeta(registration.meta());
        ServiceRegistration.HealthCheck health = registration.check();
        NewService.Check check = new NewService.Check();
        if (health.tcp() != null) {
            check.setTcp(health.tcp());
        } else {
            check.setHttp(health.http());
        }
        check.setInterval(seconds(health.interval()));
        check.setTimeout(seconds(health.timeout()));
        check.setDeregisterCriticalServiceAfter(seconds(health.deregisterCriticalAfter()));
        service.setCheck(check);
        return service;
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() + "ms";
    }

    private static String describe(ServiceRegistration.HealthCheck check) {
        return (check.tcp() != null ? "TCP " + check.tcp() : "HTTP " + check.http()) + " every " + check.interval().toMillis() + " ms";
    }
}
