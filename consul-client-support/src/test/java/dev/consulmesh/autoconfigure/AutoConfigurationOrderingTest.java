package dev.consulmesh.autoconfigure;

import dev.consulmesh.testsupport.TestConsul;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.cloud.consul.ConsulAutoConfiguration;
import org.springframework.core.io.ClassPathResource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configuration's ordering names classes that exist in Boot 4 and Spring Cloud 2025.1 (a name
 * that does not exist is silently ignored, and so is the ordering), and keeps what it exists for: the
 * mesh shares the I/O threads of a ReactorResourceFactory that a WebFlux server's or a reactive HTTP
 * client's auto-configuration defines — listed first here, so only the ordering makes the condition see it.
 */
class AutoConfigurationOrderingTest {

    private static TestConsul consul;

    @BeforeAll
    static void start() {
        consul = TestConsul.start();
    }

    @AfterAll
    static void stop() {
        if (consul != null) {
            consul.close();
        }
    }

    @Test
    void everyClassTheOrderingNamesExists() throws Exception {
        List<String> named = new ArrayList<>();
        String imports = new ClassPathResource("META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")
                .getContentAsString(StandardCharsets.UTF_8);
        for (String line : imports.lines().map(String::trim).filter(line -> !line.isEmpty()).toList()) {
            AutoConfiguration ordering = Class.forName(line).getAnnotation(AutoConfiguration.class);
            assertThat(ordering).as(line).isNotNull();
            named.addAll(Arrays.asList(ordering.afterName()));
            named.addAll(Arrays.asList(ordering.beforeName()));
            Arrays.stream(ordering.after()).map(Class::getName).forEach(named::add);
            Arrays.stream(ordering.before()).map(Class::getName).forEach(named::add);
        }
        assertThat(named).contains(NettyReactiveWebServerAutoConfiguration.class.getName(),
                ReactiveHttpClientAutoConfiguration.class.getName());
        for (String name : named) {
            assertThat(Class.forName(name)).as(name).isNotNull();
        }
    }

    @Test
    void aWebFluxServersThreadsAreSharedWhicheverOrderTheyAreListedIn() {
        new ReactiveWebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(MeshConsulAutoConfiguration.class, MeshTransportAutoConfiguration.class,
                        ConsulAutoConfiguration.class, NettyReactiveWebServerAutoConfiguration.class))
                .withPropertyValues(consulSettings())
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(WebServerIoThreads.class);
                });
    }

    @Test
    void aReactiveHttpClientsThreadsAreSharedWhicheverOrderTheyAreListedIn() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(MeshConsulAutoConfiguration.class, MeshTransportAutoConfiguration.class,
                        ConsulAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class))
                .withPropertyValues(consulSettings())
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(WebServerIoThreads.class);
                });
    }

    private static String[] consulSettings() {
        return new String[] {"spring.application.name=ordering", "spring.cloud.consul.host=" + consul.host(),
                "spring.cloud.consul.port=" + consul.httpPort(), "mesh.registration.enabled=false"};
    }
}
