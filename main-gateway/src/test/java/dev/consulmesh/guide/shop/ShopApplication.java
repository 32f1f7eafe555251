package dev.consulmesh.guide.shop;

import dev.consulmesh.client.declarative.EnableMeshClients;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A caller of the orders service: any Spring Boot application with consul-client-support. */
@SpringBootApplication
@EnableMeshClients              // a bean for every @MeshService interface in this package
public class ShopApplication {

    public static void main(String[] args) {
        SpringApplication.run(ShopApplication.class, args);
    }
}
