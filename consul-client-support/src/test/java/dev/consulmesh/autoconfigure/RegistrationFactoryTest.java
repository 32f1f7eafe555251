package dev.consulmesh.autoconfigure;

import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.registration.RegistrationProperties;
import dev.consulmesh.registration.ServiceRegistration;
import dev.consulmesh.transport.server.AnnotatedHandlers;
import dev.consulmesh.transport.server.HandlerRegistry;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.server.TcpServer;
import dev.consulmesh.transport.server.TcpServerProperties;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a TCP node registers, decided from its running server and its settings. The advertised
 * addresses here are documentation addresses (192.0.2.0/24): values only, never connected to.
 */
@ExtendWith(OutputCaptureExtension.class)
class RegistrationFactoryTest {

    static class Handlers {
        @MessagePattern("ping")
        String ping() {
            return "pong";
        }
    }

    private final TcpServerProperties tcp = new TcpServerProperties();
    private final RegistrationProperties registration = new RegistrationProperties();
    private final MockEnvironment environment = new MockEnvironment().withProperty("spring.application.name", "push-service");
    private TcpServer server;

    @BeforeEach
    void startServerOnLoopback() {
        ObjectMapper mapper = new ObjectMapper();
        HandlerRegistry handlers = new HandlerRegistry(new PatternRoute(mapper));
        AnnotatedHandlers.register(handlers, new Handlers(), mapper);
        tcp.setHost("127.0.0.1");
        tcp.setPort(0);
        server = new TcpServer(tcp, handlers, new PacketCodec(mapper));
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    private ServiceRegistration registration() {
        return new RegistrationFactory(registration, server, tcp, new GenericApplicationContext(), environment).get();
    }

    @Test
    void registersTheAdvertisedAddressAndBoundPortWithATcpCheckOfThem() {
        tcp.setAdvertisedHost("127.0.0.1");
        ServiceRegistration registered = registration();
        assertThat(registered.serviceName()).isEqualTo("push-service");
        assertThat(registered.instanceId()).isEqualTo("push-service-127.0.0.1-" + server.port());
        assertThat(registered.host()).isEqualTo("127.0.0.1");
        assertThat(registered.port()).isEqualTo(server.port());
        assertThat(registered.check().tcp()).isEqualTo("127.0.0.1:" + server.port());
    }

    @Test
    void aSeparateCheckAddressIsWhatConsulsCheckConnectsTo() {
        tcp.setAdvertisedHost("192.0.2.10");
        registration.setCheckHost("127.0.0.1");
        ServiceRegistration registered = registration();
        assertThat(registered.host()).isEqualTo("192.0.2.10");
        assertThat(registered.check().tcp()).isEqualTo("127.0.0.1:" + server.port());
    }

    @Test
    void warnsWhenItListensOnLoopbackButAdvertisesAnotherAddress(CapturedOutput output) {
        tcp.setAdvertisedHost("192.0.2.10");
        registration();
        assertThat(output).contains("listens on 127.0.0.1 (loopback) but advertises 192.0.2.10:" + server.port(),
                "connection refused");
    }

    @Test
    void doesNotWarnWhenTheAdvertisedAddressIsLoopbackToo(CapturedOutput output) {
        tcp.setAdvertisedHost("127.0.0.1");
        registration();
        assertThat(output).doesNotContain("(loopback) but advertises");
    }

    @Test
    void aServiceNameIsRequired() {
        MockEnvironment unnamed = new MockEnvironment();
        tcp.setAdvertisedHost("127.0.0.1");
        assertThatThrownBy(() -> new RegistrationFactory(registration, server, tcp, new GenericApplicationContext(), unnamed).get())
                .hasMessageContaining("mesh.registration.service-name").hasMessageContaining("spring.application.name");
    }

    @Test
    void registersNothingWhenDisabled() {
        registration.setEnabled(false);
        assertThat(registration()).isNull();
    }
}
