package dev.consulmesh.autoconfigure;

import com.sun.net.httpserver.HttpServer;
import dev.consulmesh.autoconfigure.EchoApps.EchoHandlers;
import dev.consulmesh.client.MeshClient;
import dev.consulmesh.client.NodeReply;
import dev.consulmesh.testsupport.TestConsul;
import dev.consulmesh.testsupport.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spring Cloud discovery beside the mesh, in one Spring application against a real Consul agent: two
 * JDK HTTP servers registered as {@code greeter} with HTTP checks that pass, a third whose check fails,
 * and a mesh TCP node ({@link TestNode}, mesh's own TCP server) registered as {@code echo-node}. The
 * application calls {@code greeter} through a {@code @LoadBalanced} WebClient (Spring Cloud LoadBalancer
 * over the ReactiveDiscoveryClient) and {@code echo-node} through the mesh's {@link MeshClient}; its
 * DiscoveryClient and ReactiveDiscoveryClient list both services and only the passing instances.
 */
class DiscoveryClientBesideMeshConsulTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HTTP_SERVICE = "greeter";
    private static final String MESH_SERVICE = "echo-node";

    private static TestConsul consul;
    private static final List<HttpServer> httpServers = new ArrayList<>();
    private static TestNode meshNode;

    @BeforeAll
    static void startConsulAndServices() throws Exception {
        consul = TestConsul.start();
        registerHttpInstance("greeter-1", true);
        registerHttpInstance("greeter-2", true);
        registerHttpInstance("greeter-failing", false);
        meshNode = TestNode.start(consul, MESH_SERVICE, new EchoHandlers());
        await().atMost(Duration.ofSeconds(15))
                .until(() -> passingIds(HTTP_SERVICE).equals(Set.of("greeter-1", "greeter-2"))
                        && passingIds(MESH_SERVICE).equals(Set.of(meshNode.instanceId())));
    }

    @AfterAll
    static void stopAll() {
        if (meshNode != null) {
            meshNode.close();
        }
        httpServers.forEach(server -> server.stop(0));
        if (consul != null) {
            consul.close();
        }
    }

    /**
     * A plain HTTP instance answering its own id on {@code /name}; its Consul HTTP check asks
     * {@code /health}, which answers 200 when healthy and 500 otherwise (so its check goes critical while
     * the instance itself would still answer if anything routed to it).
     */
    private static void registerHttpInstance(String id, boolean healthy) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/name", exchange -> answer(exchange, 200, id));
        server.createContext("/health", exchange -> answer(exchange, healthy ? 200 : 500, healthy ? "ok" : "unwell"));
        server.start();
        httpServers.add(server);
        int port = server.getAddress().getPort();
        consul.http().put("/v1/agent/service/register", """
                {"ID":"%s","Name":"%s","Address":"127.0.0.1","Port":%d,
                 "Check":{"HTTP":"http://127.0.0.1:%d/health","Interval":"500ms","Timeout":"1s"}}"""
                .formatted(id, HTTP_SERVICE, port, port));
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Set<String> passingIds(String service) {
        Set<String> ids = new HashSet<>();
        JSON.readTree(consul.http().get("/v1/health/service/" + service + "?passing"))
                .forEach(entry -> ids.add(entry.at("/Service/ID").asString()));
        return ids;
    }

    /** An application that uses both: a @LoadBalanced WebClient and the mesh's client. */
    @Configuration
    @EnableAutoConfiguration
    static class BothApp {
        @Bean
        @LoadBalanced
        WebClient.Builder loadBalancedWebClient() {
            return WebClient.builder();
        }
    }

    private static ConfigurableApplicationContext startApp() {
        return new SpringApplicationBuilder(BothApp.class).web(WebApplicationType.NONE).properties(
                "spring.application.name=both-caller",
                "spring.cloud.consul.host=" + consul.host(),
                "spring.cloud.consul.port=" + consul.httpPort(),
                "mesh.discovery.wait=30s").run();
    }

    @Test
    void aLoadBalancedWebClientAndTheMeshClientWorkSideBySideInOneApplication() {
        try (ConfigurableApplicationContext app = startApp()) {
            WebClient greeter = app.getBean(WebClient.Builder.class).build();
            Set<String> answeredBy = new HashSet<>();
            for (int call = 0; call < 10; call++) {
                answeredBy.add(greeter.get().uri("http://" + HTTP_SERVICE + "/name")
                        .retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10)));
            }
            assertThat(answeredBy).as("instances that answered ten load-balanced calls")
                    .containsExactlyInAnyOrder("greeter-1", "greeter-2");

            NodeReply reply = app.getBean(MeshClient.class)
                    .send(MESH_SERVICE, "echo", Map.of("hello", "mesh")).block(Duration.ofSeconds(10));
            assertThat(reply.node().instanceId()).isEqualTo(meshNode.instanceId());
            assertThat(reply.value()).isEqualTo(JSON.readTree("{\"echo\":{\"hello\":\"mesh\"}}"));
        }
    }

    @Test
    void theDiscoveryClientsListBothServicesAndOnlyTheirPassingInstances() {
        try (ConfigurableApplicationContext app = startApp()) {
            DiscoveryClient discovery = app.getBean(DiscoveryClient.class);
            assertThat(discovery.getServices()).contains(HTTP_SERVICE, MESH_SERVICE);
            assertThat(ids(discovery.getInstances(HTTP_SERVICE))).containsExactlyInAnyOrder("greeter-1", "greeter-2");
            assertThat(ids(discovery.getInstances(MESH_SERVICE))).containsExactly(meshNode.instanceId());
            assertThat(discovery.getInstances(MESH_SERVICE).get(0).getPort()).isEqualTo(meshNode.port());

            ReactiveDiscoveryClient reactive = app.getBean(ReactiveDiscoveryClient.class);
            assertThat(reactive.getServices().collectList().block(Duration.ofSeconds(10)))
                    .contains(HTTP_SERVICE, MESH_SERVICE);
            assertThat(ids(reactive.getInstances(HTTP_SERVICE).collectList().block(Duration.ofSeconds(10))))
                    .containsExactlyInAnyOrder("greeter-1", "greeter-2");
            assertThat(ids(reactive.getInstances(MESH_SERVICE).collectList().block(Duration.ofSeconds(10))))
                    .containsExactly(meshNode.instanceId());
        }
    }

    private static List<String> ids(List<ServiceInstance> instances) {
        return instances.stream().map(ServiceInstance::getInstanceId).toList();
    }
}
