package dev.consulmesh.push;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A push-service node: serves the news feed over the NestJS-compatible TCP transport and registers
 * its TCP endpoint in Consul (both done by consul-client-support).
 */
@SpringBootApplication
public class PushServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(PushServiceApplication.class, args);
    }
}
