package dev.consulmesh.autoconfigure;

import dev.consulmesh.client.MeshClient;
import dev.consulmesh.client.ServiceReport;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import java.util.Map;

/**
 * {@code /actuator/mesh}: every service this process calls, with each node it knows, its state
 * (healthy, ejected, draining), outstanding requests, successes, failures and latest diagnosis; per
 * service its retry budget (which hedges spend too) and what Consul lists for it that is not used as
 * given. It shows internal addresses: expose it on the management port only (bound to loopback by
 * default). Its answers carry security headers ({@link ManagementSecurityHeaders}).
 */
@Endpoint(id = "mesh")
public class MeshEndpoint {

    private final MeshClient mesh;

    public MeshEndpoint(MeshClient mesh) {
        this.mesh = mesh;
    }

    @ReadOperation
    public Map<String, Map<String, ServiceReport>> services() {
        return Map.of("services", mesh.status());
    }
}
