package dev.consulmesh.transport.tls;

import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.testsupport.TestCertificates;
import dev.consulmesh.testsupport.TestCertificates.Pair;
import dev.consulmesh.transport.client.TcpClient;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.server.AnnotatedHandlers;
import dev.consulmesh.transport.server.HandlerRegistry;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.server.TcpServer;
import dev.consulmesh.transport.server.TcpServerProperties;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import tools.jackson.databind.ObjectMapper;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node's certificate rotated while calls flow: Spring Boot's SSL auto-configuration watches the
 * bundle's PEM files ({@code reload-on-update}), a {@link TcpServer} with TLS from that bundle
 * ({@link TlsSetup}), and {@link TcpClient}s that record the certificate each handshake shows them.
 */
class TlsBundleRotationTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final PacketCodec CODEC = new PacketCodec(MAPPER);
    private static final int WORKERS = 4;
    private static final int CALLS_PER_CONNECTION = 10;

    private final NioEventLoopGroup group = new NioEventLoopGroup(2);
    private TestCertificates certificates;
    private Pair ca;
    private Path live;

    /** The node's handler. */
    public static final class Hello {
        @MessagePattern("hello")
        public String hello() {
            return "hi";
        }
    }

    @BeforeEach
    void makeCertificates() throws Exception {
        certificates = TestCertificates.create();
        ca = certificates.authority("rotation-ca");
        Pair first = certificates.server("node-before", ca, "IP:127.0.0.1");
        live = Files.createDirectory(first.certificate().getParent().resolve("live"));
        install(first);
    }

    @AfterEach
    void cleanUp() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        certificates.close();
    }

    /** Puts a pair in the watched files, each replaced in one rename, as a secret mount or cert-manager does. */
    private void install(Pair pair) throws Exception {
        replace(pair.privateKey(), live.resolve("node.key"));
        replace(pair.certificate(), live.resolve("node.crt"));
    }

    private void replace(Path source, Path target) throws Exception {
        Path staged = live.resolve("." + target.getFileName() + ".new");
        Files.copy(source, staged, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private ApplicationContextRunner sslBundles() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
                .withPropertyValues(
                        "spring.ssl.bundle.pem.mesh-node.keystore.certificate=file:" + live.resolve("node.crt"),
                        "spring.ssl.bundle.pem.mesh-node.keystore.private-key=file:" + live.resolve("node.key"),
                        // A key that does not match its certificate (one file renamed, not yet the other) is
                        // not loaded: the next change loads the complete pair.
                        "spring.ssl.bundle.pem.mesh-node.keystore.verify-keys=true",
                        "spring.ssl.bundle.pem.mesh-node.truststore.certificate=file:" + ca.certificate(),
                        "spring.ssl.bundle.pem.mesh-node.reload-on-update=true",
                        "spring.ssl.bundle.watch.file.quiet-period=100ms");
    }

    private TcpServer server(SslBundles bundles) {
        TcpServerProperties properties = new TcpServerProperties();
        properties.setHost("127.0.0.1");
        properties.setPort(0);
        properties.setShutdownTimeout(Duration.ofMillis(500));
        properties.getTls().setEnabled(true);
        properties.getTls().setBundle("mesh-node");
        HandlerRegistry registry = new HandlerRegistry(new PatternRoute(MAPPER));
        AnnotatedHandlers.register(registry, new Hello(), MAPPER);
        TcpServer server = new TcpServer(properties, registry, CODEC, MeshMetrics.inMemory(),
                TlsSetup.server(properties.getTls(), "mesh.tcp.tls", bundles));
        server.start();
        return server;
    }

    @Test
    void aRotatedNodeCertificateIsPresentedOnNewConnectionsWhileCallsKeepFlowing() {
        sslBundles().run(context -> {
            TcpServer server = server(context.getBean(SslBundles.class));
            SeenCertificates seen = new SeenCertificates(ca.certificate());
            SeenCertificates longLivedSeen = new SeenCertificates(ca.certificate());
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger succeeded = new AtomicInteger();
            AtomicInteger connections = new AtomicInteger();
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> workers = new ArrayList<>();
            // One caller keeps the connection it opened before the rotation; the others open a new one
            // every few calls, so handshakes happen before, during and after the certificate changes.
            workers.add(new Thread(() -> callUntilStopped(server, longLivedSeen, Integer.MAX_VALUE, running, succeeded,
                    connections, failures), "caller-long-lived"));
            for (int i = 1; i < WORKERS; i++) {
                workers.add(new Thread(() -> callUntilStopped(server, seen, CALLS_PER_CONNECTION, running, succeeded,
                        connections, failures), "caller-" + i));
            }
            workers.forEach(Thread::start);
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> succeeded.get() >= 150 || !failures.isEmpty());
                assertThat(seen.subjects()).containsOnly("CN=node-before");

                Pair next = certificates.server("node-after", ca, "IP:127.0.0.1");
                long rotatedAt = System.nanoTime();
                install(next);
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                        .until(() -> seen.subjects().contains("CN=node-after") || !failures.isEmpty());
                long pickedUpMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - rotatedAt);
                int callsAtPickup = succeeded.get();
                await().atMost(Duration.ofSeconds(10)).until(() -> succeeded.get() >= callsAtPickup + 150 || !failures.isEmpty());
                running.set(false);
                for (Thread worker : workers) {
                    worker.join(10_000);
                }

                SeenCertificates fresh = new SeenCertificates(ca.certificate());
                try (TcpClient client = client(server, fresh)) {
                    call(client);
                }
                System.out.printf("rotation under load: %d calls, %d failed, %d connections; new certificate on new"
                                + " connections %d ms after the files were replaced; handshakes saw %s%n",
                        succeeded.get(), failures.size(), connections.get(), pickedUpMillis, seen.counts());

                assertThat(failures).as("failed calls").isEmpty();
                assertThat(fresh.subjects()).as("a connection opened after the rotation").containsExactly("CN=node-after");
                assertThat(longLivedSeen.subjects()).as("the connection opened before the rotation kept its session")
                        .containsExactly("CN=node-before");
            } finally {
                running.set(false);
                server.stop();
            }
        });
    }

    private void callUntilStopped(TcpServer server, SeenCertificates seen, int callsPerConnection, AtomicBoolean running,
                                  AtomicInteger succeeded, AtomicInteger connections, Queue<Throwable> failures) {
        TcpClient client = null;
        int onThisConnection = 0;
        try {
            while (running.get()) {
                if (client == null || onThisConnection == callsPerConnection) {
                    if (client != null) {
                        client.close();
                    }
                    client = client(server, seen);
                    connections.incrementAndGet();
                    onThisConnection = 0;
                }
                try {
                    call(client);
                    succeeded.incrementAndGet();
                } catch (RuntimeException e) {
                    failures.add(e);
                }
                onThisConnection++;
                Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (client != null) {
                client.close();
            }
        }
    }

    private TcpClient client(TcpServer server, SeenCertificates seen) {
        try {
            TcpClientOptions options = TcpClientOptions.defaults().withTls(new TcpClientOptions.ClientTls(
                    SslContextBuilder.forClient().endpointIdentificationAlgorithm(null).trustManager(seen).build(), true));
            return new TcpClient("127.0.0.1", server.port(), options, group, CODEC);
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void call(TcpClient client) {
        String answer = client.send(MAPPER.getNodeFactory().stringNode("hello"), MAPPER.getNodeFactory().nullNode())
                .blockLast(Duration.ofSeconds(5)).asString();
        assertThat(answer).isEqualTo("hi");
    }

    /** Trusts the test CA (hostname checks included) and records the subject each handshake presented. */
    private static final class SeenCertificates extends X509ExtendedTrustManager {

        private final X509ExtendedTrustManager trust;
        private final Queue<String> subjects = new ConcurrentLinkedQueue<>();

        SeenCertificates(Path caCertificate) throws Exception {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null);
            try (InputStream in = Files.newInputStream(caCertificate)) {
                store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            trust = (X509ExtendedTrustManager) factory.getTrustManagers()[0];
        }

        List<String> subjects() {
            return List.copyOf(subjects);
        }

        String counts() {
            return subjects().stream().distinct().map(s -> s + " x" + subjects().stream().filter(s::equals).count()).toList()
                    .toString();
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            trust.checkServerTrusted(chain, authType, engine);
            subjects.add(chain[0].getSubjectX500Principal().getName());
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            trust.checkServerTrusted(chain, authType, socket);
            subjects.add(chain[0].getSubjectX500Principal().getName());
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            trust.checkServerTrusted(chain, authType);
            subjects.add(chain[0].getSubjectX500Principal().getName());
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            trust.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            trust.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            trust.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return trust.getAcceptedIssuers();
        }
    }
}
