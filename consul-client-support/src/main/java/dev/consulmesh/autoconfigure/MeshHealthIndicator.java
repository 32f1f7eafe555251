package dev.consulmesh.autoconfigure;

import dev.consulmesh.client.MeshClient;
import dev.consulmesh.client.ServiceReport;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Health of the services this process calls: DOWN when one of them has no node in rotation. Details
 * per service: nodes in rotation and listed, panic mode, and what is wrong with Consul's view of it, if
 * anything: unreachable (calls then go on with the last set Consul gave), refusing the ACL token, or
 * hiding instances from it.
 */
final class MeshHealthIndicator extends AbstractHealthIndicator {

    private final MeshClient mesh;

    MeshHealthIndicator(MeshClient mesh) {
        super("mesh health check failed");
        this.mesh = mesh;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean up = true;
        for (ServiceReport service : mesh.status().values()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("usable", service.usable());
            details.put("listed", service.listed());
            details.put("panic", service.panic());
            if (service.consul() != null) {
                details.put("consul", service.consul() + " (since " + service.consulProblemSince() + ")"
                        + (service.usable() > 0 ? "; routing with the last known set" : ""));
            }
            builder.withDetail(service.service(), details);
            up &= service.usable() > 0;
        }
        if (up) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
