package dev.consulmesh.registration;

import org.springframework.cloud.consul.model.http.agent.NewService;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsulRegistrarTest {

    @Test
    void aTcpNodeRegistersItsAddressPortAndATcpCheckThatReapsIt() {
        RegistrationProperties properties = new RegistrationProperties();
        properties.setCheckInterval(Duration.ofSeconds(5));
        properties.setCheckTimeout(Duration.ofMillis(1500));
        ServiceRegistration registration = new ServiceRegistration("push-service-10.0.0.5-3001", "push-service",
                "10.0.0.5", 3001, ServiceRegistration.HealthCheck.tcp("10.0.0.5:3001", properties),
                List.of("news"), Map.of("zone", "a"));

        NewService service = ConsulRegistrar.toNewService(registration);

        assertThat(service.getId()).isEqualTo("push-service-10.0.0.5-3001");
        assertThat(service.getName()).isEqualTo("push-service");
        assertThat(service.getAddress()).isEqualTo("10.0.0.5");
        assertThat(service.getPort()).isEqualTo(3001);
        assertThat(service.getTags()).containsExactly("news");
        assertThat(service.getMeta()).containsEntry("zone", "a");
        assertThat(service.getCheck().getTcp()).isEqualTo("10.0.0.5:3001");
        assertThat(service.getCheck().getHttp()).isNull();
        assertThat(service.getCheck().getInterval()).isEqualTo("5000ms");
        assertThat(service.getCheck().getTimeout()).isEqualTo("1500ms");
        assertThat(service.getCheck().getDeregisterCriticalServiceAfter()).isEqualTo("60000ms");
    }

    /** What Consul's UI shows beside the check's status: its name, and notes that say what critical means. */
    @Test
    void theCheckGoesToConsulWithItsNameAndNotes() {
        RegistrationProperties properties = new RegistrationProperties();
        ServiceRegistration registration = new ServiceRegistration("n", "push-service", "10.0.0.5", 3001,
                ServiceRegistration.HealthCheck.tcp("10.0.0.5:3001", properties), null,
                MeshMetadata.of(MeshMetadata.NEST_TCP, 8081, Map.of("zone", "a")));

        JsonNode sent = new ObjectMapper().valueToTree(ConsulRegistrar.toNewService(registration));

        assertThat(sent.at("/Check/Name").asString()).isEqualTo("TCP port 10.0.0.5:3001");
        assertThat(sent.at("/Check/Notes").asString()).contains("every 5 s").contains("Critical:");
        assertThat(sent.at("/Meta/mesh_transport").asString()).isEqualTo("nest-tcp");
        assertThat(sent.at("/Meta/management_port").asString()).isEqualTo("8081");
        assertThat(sent.at("/Meta/mesh_version").asString()).isNotBlank();
        assertThat(sent.at("/Meta/zone").asString()).isEqualTo("a");
    }

    @Test
    void anEntryOfTheApplicationsOwnMetaReplacesTheMeshs() {
        assertThat(MeshMetadata.of(MeshMetadata.HTTP, null, Map.of("mesh_transport", "h2")))
                .containsEntry("mesh_transport", "h2").doesNotContainKey("management_port");
    }

    @Test
    void anHttpServiceRegistersAnHttpCheck() {
        NewService service = ConsulRegistrar.toNewService(new ServiceRegistration("gw", "main-gateway", "10.0.0.6", 3000,
                ServiceRegistration.HealthCheck.http("http://10.0.0.6:3000/actuator/health", new RegistrationProperties()),
                null, null));
        assertThat(service.getCheck().getHttp()).isEqualTo("http://10.0.0.6:3000/actuator/health");
        assertThat(service.getCheck().getTcp()).isNull();
    }

    @Test
    void deregistrationAfterLessThanConsulsMinuteIsRefusedNamingTheProperty() {
        RegistrationProperties properties = new RegistrationProperties();
        properties.setDeregisterCriticalAfter(Duration.ofSeconds(30));
        assertThatThrownBy(() -> ServiceRegistration.HealthCheck.tcp("h:1", properties))
                .hasMessageContaining("mesh.registration.deregister-critical-after");
    }
}
