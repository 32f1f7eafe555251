package dev.consulmesh.transport.tls;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.testsupport.TestCertificates;
import dev.consulmesh.testsupport.TestCertificates.Pair;
import dev.consulmesh.transport.client.NodeUnreachableException;
import dev.consulmesh.transport.client.TcpClient;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.client.TransportException;
import dev.consulmesh.transport.client.UnreachableReason;
import dev.consulmesh.transport.server.AnnotatedHandlers;
import dev.consulmesh.transport.server.HandlerRegistry;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.server.TcpServer;
import dev.consulmesh.transport.server.TcpServerProperties;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TLS and mutual TLS on the transport, with certificates made by the test. */
class TlsTransportTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final PacketCodec CODEC = new PacketCodec(MAPPER);
    private static TestCertificates certificates;
    private static Pair ca;
    private static Pair node;
    private static Pair gateway;
    private static Pair strangerCa;
    private static Pair stranger;
    private static Pair wrongName;
    private final NioEventLoopGroup group = new NioEventLoopGroup(1);
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final Calls calls = new Calls();

    /** The node's handler, counting the calls that reached it. */
    public static final class Calls {
        final AtomicInteger count = new AtomicInteger();

        @MessagePattern("hello")
        public String hello() {
            count.incrementAndGet();
            return "hi";
        }
    }

    @BeforeAll
    static void makeCertificates() {
        certificates = TestCertificates.create();
        ca = certificates.authority("mesh-ca");
        node = certificates.server("node", ca, "IP:127.0.0.1");
        wrongName = certificates.server("elsewhere", ca, "IP:10.9.9.9");
        gateway = certificates.client("gateway", ca);
        strangerCa = certificates.authority("stranger-ca");
        stranger = certificates.client("stranger", strangerCa);
    }

    @AfterAll
    static void deleteCertificates() {
        certificates.close();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private TcpServer server(Pair certificate, TlsProperties.ClientAuth clientAuth) {
        TcpServerProperties properties = new TcpServerProperties();
        properties.setHost("127.0.0.1");
        properties.setPort(0);
        properties.setShutdownTimeout(Duration.ofMillis(200));
        TlsProperties tls = properties.getTls();
        tls.setEnabled(true);
        tls.setCertificate(certificate.certificate().toString());
        tls.setPrivateKey(certificate.privateKey().toString());
        tls.setClientAuth(clientAuth);
        tls.setTrustedCertificates(ca.certificate().toString());
        HandlerRegistry registry = new HandlerRegistry(new PatternRoute(MAPPER));
        AnnotatedHandlers.register(registry, calls, MAPPER);
        TcpServer server = new TcpServer(properties, registry, CODEC);
        server.start();
        opened.add(server::stop);
        return server;
    }

    private TcpClient client(TcpServer server, Pair own, boolean verifyHostname) {
        TlsProperties tls = new TlsProperties();
        tls.setEnabled(true);
        tls.setTrustedCertificates(ca.certificate().toString());
        if (own != null) {
            tls.setCertificate(own.certificate().toString());
            tls.setPrivateKey(own.privateKey().toString());
        }
        TcpClientOptions options = TcpClientOptions.defaults().withTls(
                new TcpClientOptions.ClientTls(TlsContexts.forClient(tls, "mesh.client.tls"), verifyHostname));
        TcpClient client = new TcpClient("127.0.0.1", server.port(), options, group, CODEC);
        opened.add(client);
        return client;
    }

    private static JsonNode call(TcpClient client) {
        return client.send(MAPPER.getNodeFactory().stringNode("hello"), MAPPER.getNodeFactory().nullNode())
                .blockLast(Duration.ofSeconds(10));
    }

    @Test
    void aClientTrustingTheNodesAuthorityCallsOverTls() {
        TcpServer server = server(node, TlsProperties.ClientAuth.NONE);
        assertThat(call(client(server, null, true)).asString()).isEqualTo("hi");
    }

    @Test
    void aPlainClientGetsNoAnswerFromATlsNode() {
        TcpServer server = server(node, TlsProperties.ClientAuth.NONE);
        TcpClient plain = new TcpClient("127.0.0.1", server.port(), TcpClientOptions.defaults(), group, CODEC);
        opened.add(plain);
        assertThatThrownBy(() -> call(plain)).isInstanceOf(TransportException.class);
        assertThat(calls.count).hasValue(0);
    }

    @Test
    void withMutualTlsOnlyAClientWithATrustedCertificateCanCall() {
        TcpServer server = server(node, TlsProperties.ClientAuth.REQUIRE);

        assertThatThrownBy(() -> call(client(server, null, true))).as("no client certificate")
                .isInstanceOf(TransportException.class);
        assertThatThrownBy(() -> call(client(server, stranger, true))).as("a certificate of another authority")
                .isInstanceOf(TransportException.class);
        assertThat(calls.count).as("calls that reached the handler").hasValue(0);

        assertThat(call(client(server, gateway, true)).asString()).isEqualTo("hi");
        assertThat(calls.count).hasValue(1);
    }

    @Test
    void aNodeCertificateForAnotherAddressFailsTheHandshakeUnlessHostnamesAreNotVerified() {
        TcpServer server = server(wrongName, TlsProperties.ClientAuth.NONE);

        assertThatThrownBy(() -> call(client(server, null, true)))
                .isInstanceOfSatisfying(NodeUnreachableException.class,
                        e -> assertThat(e.reason()).isEqualTo(UnreachableReason.TLS_HANDSHAKE))
                .hasMessageContaining("TLS handshake failed");
        assertThat(call(client(server, null, false)).asString()).isEqualTo("hi");
    }

    @Test
    void aMissingFileOrATraditionalKeyIsRefusedNamingThePropertyAndTheAcceptedFormat() {
        TlsProperties missing = new TlsProperties();
        missing.setEnabled(true);
        missing.setCertificate("/nonexistent/node.crt");
        missing.setPrivateKey(node.privateKey().toString());
        assertThatThrownBy(() -> TlsContexts.forServer(missing, "push.tcp.tls"))
                .hasMessage("push.tcp.tls.certificate: cannot read /nonexistent/node.crt");

        TlsProperties traditional = new TlsProperties();
        traditional.setEnabled(true);
        traditional.setCertificate(node.certificate().toString());
        traditional.setPrivateKey(certificates.rsaTraditionalKey("old").toString());
        assertThatThrownBy(() -> TlsContexts.forServer(traditional, "push.tcp.tls"))
                .hasMessageStartingWith("push.tcp.tls.private-key: ")
                .hasMessageContaining("-----BEGIN RSA PRIVATE KEY-----")
                .hasMessageContaining("accepted: PEM PKCS#8")
                .hasMessageContaining("openssl pkcs8 -topk8");

        TlsProperties noTrust = new TlsProperties();
        noTrust.setEnabled(true);
        noTrust.setCertificate(node.certificate().toString());
        noTrust.setPrivateKey(node.privateKey().toString());
        noTrust.setClientAuth(TlsProperties.ClientAuth.REQUIRE);
        assertThatThrownBy(() -> TlsContexts.forServer(noTrust, "push.tcp.tls"))
                .hasMessageStartingWith("push.tcp.tls.trusted-certificates (the CA of client certificates");
    }
}
