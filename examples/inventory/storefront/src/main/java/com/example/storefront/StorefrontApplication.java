package com.example.storefront;

import dev.consulmesh.client.declarative.EnableMeshClients;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The inventory service's caller, over HTTP: POST /reservations. */
@SpringBootApplication
@EnableMeshClients              // a bean for every @MeshService interface in this package
public class StorefrontApplication {

    public static void main(String[] args) {
        SpringApplication.run(StorefrontApplication.class, args);
    }
}
