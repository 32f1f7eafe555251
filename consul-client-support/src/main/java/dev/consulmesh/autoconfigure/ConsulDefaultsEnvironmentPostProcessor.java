package dev.consulmesh.autoconfigure;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.Map;

/**
 * Defaults for Spring Cloud Consul when the mesh is on the classpath, with the lowest precedence so any
 * setting of the application wins: the mesh registers this process itself (with a TCP check for a
 * node) and discovers with its own blocking queries, so Spring Cloud Consul's auto-registration, its
 * catalog polling and its Consul health indicator (which queries Consul on every health check) are off.
 * Spring Cloud's {@code DiscoveryClient} stays on for the application's own use (Spring Cloud
 * LoadBalancer, {@code @LoadBalanced} clients), listing only instances whose checks pass. The agent's
 * address also comes from the variables Consul's CLI reads ({@link ConsulCliVariables}).
 */
public class ConsulDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String SOURCE_NAME = "consulMeshDefaults";
    static final String CLI_SOURCE_NAME = "consulCliVariables";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, Map.of(
                "spring.cloud.consul.discovery.register", "false",
                // without this, Spring Cloud still builds a registration (and its check) for a separate management port
                "spring.cloud.service-registry.auto-registration.enabled", "false",
                "spring.cloud.consul.discovery.catalog-services-watch.enabled", "false",
                // the application's own DiscoveryClient lists what the mesh routes to: passing instances
                "spring.cloud.consul.discovery.query-passing", "true",
                // Spring Cloud's "consul" health goes DOWN with the agent although calls go on with the last
                // known set; the mesh's own "mesh" and "consulRegistration" health say what Consul's state means.
                "management.health.consul.enabled", "false",
                // /actuator/health/liveness and /readiness on every service; Consul's HTTP check asks readiness,
                // which says whether this instance can serve its callers, not whether the services it calls can
                "management.endpoint.health.probes.enabled", "true",
                // the mesh's timers (mesh.client.call, mesh.client.attempt, mesh.server.handler) as histograms:
                // latency percentiles across nodes and gateways are computed from their buckets
                "management.metrics.distribution.percentiles-histogram.mesh", "true")));
        // CONSUL_HOST/PORT, CONSUL_HTTP_ADDR, CONSUL_CACERT: below every setting of the application as well
        environment.getPropertySources().addLast(new MapPropertySource(CLI_SOURCE_NAME,
                ConsulCliVariables.settings(environment)));
    }
}
