package dev.consulmesh.gateway;

import dev.consulmesh.client.declarative.EnableMeshClients;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The HTTP entry of the mesh: GET /fetchLatestNews, answered by a push-service node. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableMeshClients
public class GatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(GatewayApplication.class, args);
    }
}
