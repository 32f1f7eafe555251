package dev.consulmesh.gateway;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration processor wrote metadata for the gateway's own properties (what an IDE completes
 * and documents in application.yml), with the descriptions of their javadoc.
 */
class ConfigurationMetadataTest {

    @Test
    void theGatewaysOwnPropertiesHaveMetadata() throws Exception {
        Path metadata = Path.of("target/classes/META-INF/spring-configuration-metadata.json");
        assertThat(metadata).as("written by spring-boot-configuration-processor at compile time").exists();

        Map<String, JsonNode> properties = new HashMap<>();
        for (JsonNode property : new ObjectMapper().readTree(Files.readString(metadata)).path("properties")) {
            properties.put(property.path("name").asString(), property);
        }
        assertThat(properties).containsKeys("gateway.news.service", "gateway.http.header-timeout");
        assertThat(properties.get("gateway.news.service").path("description").asString()).isNotBlank();
    }
}
