package dev.consulmesh.autoconfigure;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.Map;

/**
 * Defaults for Spring Cloud Consul when the mesh is on the classpath, with the lowest precedence so any
 * setting of the application wins: the mesh registers this process itself (with a TCP check for a
 * node), so Spring Cloud Consul's own auto-registration and its catalog polling are off.
 */
public class ConsulDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String SOURCE_NAME = "consulMeshDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, Map.of(
                "spring.cloud.consul.discovery.register", "false",
                "spring.cloud.consul.discovery.catalog-services-watch.enabled", "false")));
    }
}
