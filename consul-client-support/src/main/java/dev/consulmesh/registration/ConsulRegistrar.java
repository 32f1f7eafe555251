package dev.consulmesh.registration;

import dev.consulmesh.consul.AclRefusal;
import dev.consulmesh.consul.AclToken;
import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.discovery.ServiceWeights;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.consul.ConsulClient.QueryParams;
import org.springframework.cloud.consul.model.http.agent.NewService;
import org.springframework.cloud.consul.model.http.health.HealthService;
import org.springframework.http.ResponseEntity;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Registers and deregisters instances with the local Consul agent, passing the ACL token on every call. */
public final class ConsulRegistrar {

    private static final Logger log = LoggerFactory.getLogger(ConsulRegistrar.class);

    private final ConsulAgent agent;

    public ConsulRegistrar(ConsulAgent agent) {
        this.agent = agent;
    }

    /**
     * @throws RegistrationRefusedException when the agent refuses it for want of ACL rights
     * @throws RegistrationException        when the agent cannot be reached or fails otherwise
     */
    public void register(ServiceRegistration registration) {
        try {
            agent.client().agentServiceRegister(agent.aclToken(), toNewService(registration));
        } catch (RuntimeException e) {
            AclRefusal refusal = agent.aclRefusal(e, AclToken.serviceWrite(registration.serviceName()));
            if (refusal != null) {
                throw new RegistrationRefusedException("Consul refused to register " + registration.instanceId()
                        + " with the agent at " + agent.address(), refusal, e);
            }
            throw new RegistrationException("cannot register " + registration.instanceId() + " with the Consul agent at "
                    + agent.address() + ": " + e.getMessage() + " (check spring.cloud.consul.host/port, CONSUL_HOST/CONSUL_PORT,"
                    + " and that the agent runs)", e);
        }
        log.info("registered {} in Consul at {}: service {} at {}:{} with check {}", registration.instanceId(),
                agent.address(), registration.serviceName(), registration.host(), registration.port(), describe(registration.check()));
    }

    /**
     * Whether Consul still lists the instance (an agent that restarted has forgotten it).
     *
     * @throws RegistrationException when Consul refuses to say, or hides the service from the token, so
     *                               that registering again could not be told from a loop
     * @throws RuntimeException      when Consul cannot be asked
     */
    public boolean isRegistered(ServiceRegistration registration) {
        ResponseEntity<List<HealthService>> answer;
        try {
            answer = agent.client().getHealthServices(registration.serviceName(), false, agent.aclToken(), null,
                    QueryParams.DEFAULT);
        } catch (RuntimeException e) {
            AclRefusal refusal = agent.aclRefusal(e, AclToken.serviceAndNodeRead(registration.serviceName()));
            if (refusal != null) {
                throw new RegistrationException("Consul refused to tell whether it still lists " + registration.instanceId()
                        + ": " + refusal.text(), e);
            }
            throw e;
        }
        List<HealthService> instances = answer.getBody();
        if (instances != null && instances.stream()
                .anyMatch(instance -> registration.instanceId().equals(instance.getService().getId()))) {
            return true;
        }
        String hidden = agent.aclHiddenInstances(registration.serviceName(), answer.getHeaders());
        if (hidden != null) {
            throw new RegistrationException("cannot tell whether Consul still lists " + registration.instanceId() + ": "
                    + hidden, null);
        }
        return false;
    }

    public String agentAddress() {
        return agent.address();
    }

    public void deregister(ServiceRegistration registration) {
        try {
            agent.client().agentServiceDeregister(registration.instanceId(), agent.aclToken());
            log.info("deregistered {} from Consul", registration.instanceId());
        } catch (RuntimeException e) {
            AclRefusal refusal = agent.aclRefusal(e, AclToken.serviceWrite(registration.serviceName()));
            log.warn("cannot deregister {} from the Consul agent at {}: {}; Consul removes it after {} critical",
                    registration.instanceId(), agent.address(), refusal != null ? refusal.text() : e.getMessage(),
                    registration.check().deregisterCriticalAfter());
        }
    }

    /** Spring Cloud Consul's registration has no Weights; Consul reads them beside its other fields. */
    static final class WeightedNewService extends NewService {

        @JsonProperty("Weights")
        private Map<String, Integer> weights;

        public Map<String, Integer> getWeights() {
            return weights;
        }

        void setWeights(ServiceWeights given) {
            weights = Map.of("Passing", given.passing(), "Warning", given.warning());
        }
    }

    /** Spring Cloud Consul's check has no Name and Notes, what Consul's UI shows beside the check's status. */
    static final class NamedCheck extends NewService.Check {

        @JsonProperty("Name")
        private String name;

        @JsonProperty("Notes")
        private String notes;

        public String getName() {
            return name;
        }

        public String getNotes() {
            return notes;
        }

        void setNameAndNotes(String name, String notes) {
            this.name = name;
            this.notes = notes;
        }
    }

    static NewService toNewService(ServiceRegistration registration) {
        WeightedNewService service = new WeightedNewService();
        service.setId(registration.instanceId());
        service.setName(registration.serviceName());
        service.setAddress(registration.host());
        service.setPort(registration.port());
        service.setTags(registration.tags());
        service.setMeta(registration.meta());
        service.setWeights(registration.weights());
        ServiceRegistration.HealthCheck health = registration.check();
        NamedCheck check = new NamedCheck();
        if (health.tcp() != null) {
            check.setTcp(health.tcp());
        } else {
            check.setHttp(health.http());
        }
        check.setInterval(seconds(health.interval()));
        check.setTimeout(seconds(health.timeout()));
        check.setDeregisterCriticalServiceAfter(seconds(health.deregisterCriticalAfter()));
        check.setNameAndNotes(health.name(), health.notes());
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
