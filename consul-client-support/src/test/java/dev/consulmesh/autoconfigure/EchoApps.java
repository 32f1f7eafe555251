package dev.consulmesh.autoconfigure;

import tools.jackson.databind.JsonNode;
import dev.consulmesh.transport.server.MessagePattern;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Map;

/** The two applications the mesh's auto-configuration tests run: a node with an echo handler, and a caller. */
final class EchoApps {

    private EchoApps() {
    }

    /** A node: one handler, so it runs a TCP server and registers it. */
    @Configuration
    @EnableAutoConfiguration
    static class EchoNode {
        @Bean
        EchoHandlers echoHandlers() {
            return new EchoHandlers();
        }
    }

    static class EchoHandlers {
        @MessagePattern("echo")
        Map<String, Object> echo(JsonNode data) {
            return Map.of("echo", data);
        }
    }

    /** A caller: no handlers and no HTTP, so it registers nothing and only calls. */
    @Configuration
    @EnableAutoConfiguration
    static class Caller {
    }
}
