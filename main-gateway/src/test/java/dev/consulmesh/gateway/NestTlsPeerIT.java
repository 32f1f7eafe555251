package dev.consulmesh.gateway;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import dev.consulmesh.testsupport.FreePorts;
import dev.consulmesh.testsupport.JavaProcess;
import dev.consulmesh.testsupport.LoggedProcess;
import dev.consulmesh.testsupport.NodeProject;
import dev.consulmesh.testsupport.ProjectPaths;
import dev.consulmesh.testsupport.StartedResources;
import dev.consulmesh.testsupport.TestCertificates;
import dev.consulmesh.testsupport.TestCertificates.Pair;
import dev.consulmesh.transport.client.TcpClient;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.client.TransportException;
import dev.consulmesh.transport.tls.TlsContexts;
import dev.consulmesh.transport.tls.TlsProperties;
import dev.consulmesh.transport.wire.PacketCodec;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Mutual TLS between the mesh and a real NestJS peer (the pinned {@code @nestjs/microservices} of
 * src/test/nest-peer), with certificates {@link TestCertificates} makes for the run: a CA, a node
 * certificate for 127.0.0.1, a client certificate of that CA, and a client certificate of another CA.
 * Real parts: a push-service JVM from the built jar requiring client certificates (registration off, so
 * no Consul), Nest {@code ClientProxy} callers with {@code tlsOptions}, a Nest microservice requiring
 * client certificates ({@code requestCert}, {@code rejectUnauthorized}), and the mesh's {@link TcpClient}.
 */
class NestTlsPeerIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PacketCodec CODEC = new PacketCodec(JSON);
    private static final Path NEST_PEER = ProjectPaths.root().resolve("main-gateway/src/test/nest-peer");
    private static final JsonNode FETCH_LATEST_NEWS = JsonNodeFactory.instance.stringNode("fetchLatestNews");
    private static final Pattern JAVA_NODE_READY = Pattern.compile(
            "TCP server listening on \\S+ with \\d+ handler\\(s\\).*; TLS.* with client certificates required");
    private static final Pattern NEST_READY = Pattern.compile(
            "news-service listening on \\S+ over TLS with client certificates required");
    private static final Pattern NEST_REFUSED = Pattern.compile("TLS connection.* refused: .*");
    /** The node's warning for an event without a handler, here the probe each Nest caller emits first. */
    private static final Pattern PROBE_READ = Pattern.compile("no handler for event pattern \\W*nest-tls-probe-(\\w+)");
    private static final int LIMIT = 5;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private static final StartedResources startedForAll = new StartedResources();
    private static NodeProject nest;
    private static Pair ca;
    private static Pair nodeCertificate;
    private static Pair clientCertificate;
    private static Pair strangerCertificate;
    private static NioEventLoopGroup group;
    private static JavaProcess javaNode;
    private static int javaNodePort;
    /** Every item the Java node serves, newest first, as it answered the mesh's TLS client. */
    private static List<JsonNode> items;
    private static Path itemsFile;

    private final StartedResources started = new StartedResources();

    @BeforeAll
    static void makeCertificatesAndStartAJavaNodeRequiringClientCertificates() throws Exception {
        nest = NodeProject.at(NEST_PEER);
        if (!nest.isAvailable()) {
            return; // each test is skipped, saying what is missing
        }
        long setupStarted = System.nanoTime();
        nest.install();
        TestCertificates certificates = startedForAll.add(TestCertificates.create());
        ca = certificates.authority("mesh-ca");
        nodeCertificate = certificates.server("node", ca, "IP:127.0.0.1");
        clientCertificate = certificates.client("caller", ca);
        strangerCertificate = certificates.client("stranger", certificates.authority("stranger-ca"));
        group = new NioEventLoopGroup(1);
        startedForAll.add(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());

        int[] ports = FreePorts.next(2);
        javaNodePort = ports[0];
        javaNode = startedForAll.add(JavaProcess.start("push-tls", ProjectPaths.serviceJar("push-service"), List.of(
                "--server.port=" + ports[1],
                "--push.tcp.host=127.0.0.1",
                "--push.tcp.port=" + javaNodePort,
                "--mesh.registration.enabled=false",
                "--push.tcp.tls.enabled=true",
                "--push.tcp.tls.certificate=" + nodeCertificate.certificate(),
                "--push.tcp.tls.private-key=" + nodeCertificate.privateKey(),
                "--push.tcp.tls.trusted-certificates=" + ca.certificate(),
                "--push.tcp.tls.client-auth=require")));
        javaNode.awaitLogLine(JAVA_NODE_READY, Duration.ofSeconds(90));

        // The whole feed in one page (it holds fewer than 100 items), over mutual TLS with the mesh's own client.
        try (TcpClient caller = tlsClient(javaNodePort, clientCertificate)) {
            ObjectNode everything = JSON.createObjectNode().put("latestTime", Long.MAX_VALUE / 2).put("limit", 100);
            List<JsonNode> answers = caller.send(FETCH_LATEST_NEWS, everything).collectList().block(CALL_TIMEOUT);
            assertThat(answers).as("answers of push-tls; its log:%n%s", javaNode.logText()).hasSize(1);
            items = new ArrayList<>();
            answers.get(0).forEach(items::add);
        }
        assertThat(items).as("items served by push-tls, all in one page").hasSizeBetween(LIMIT + 1, 99);
        itemsFile = Files.createTempFile("nest-tls-items-", ".json");
        startedForAll.add(() -> Files.deleteIfExists(itemsFile));
        JSON.writeValue(itemsFile.toFile(), items);
        System.out.printf("NestJS peer on node %s; certificates made and push-tls (mutual TLS) answering on 127.0.0.1:%d"
                        + " with %d items after %d ms%n", nest.nodeVersion(), javaNodePort, items.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - setupStarted));
    }

    @AfterAll
    static void stopAll() throws Exception {
        startedForAll.close();
    }

    @BeforeEach
    void requireNode() {
        nest.assumeAvailable();
    }

    @AfterEach
    void stopThisTestsProcesses() throws Exception {
        started.close();
    }

    @Test
    void nestClientsWithTlsOptionsGetNewsFromAJavaNodeOnlyWithAClientCertificateOfTheMeshsAuthority() throws Exception {
        Path reportFile = Files.createTempFile("nest-tls-client-", ".json");
        started.add(() -> Files.deleteIfExists(reportFile));
        nest.run("nest-tls-client-checks", "tls-client-checks.mjs", List.of(
                "--node", "127.0.0.1:" + javaNodePort,
                "--ca", ca.certificate().toString(),
                "--cert", clientCertificate.certificate().toString(),
                "--key", clientCertificate.privateKey().toString(),
                "--stranger-cert", strangerCertificate.certificate().toString(),
                "--stranger-key", strangerCertificate.privateKey().toString(),
                "--report", reportFile.toString()), Duration.ofSeconds(60));
        JsonNode report = JSON.readTree(reportFile.toFile());

        for (String caller : List.of("trusted", "withoutCertificate", "otherAuthority")) {
            JsonNode outcome = report.get(caller);
            String got = outcome.has("values")
                    ? outcome.get("values").size() + " answer(s), " + outcome.at("/values/0").size() + " items"
                    : "error '" + outcome.at("/error/message").asString() + "'";
            String emitted = outcome.has("emitError") ? "failed: " + outcome.at("/emitError/message").asString() : "written";
            System.out.printf("Nest ClientProxy (%s) -> push-tls 127.0.0.1:%d emit(probe) %s; send('fetchLatestNews'): %s"
                    + " in %d ms; socket errors: %s%n", caller, javaNodePort, emitted, got, outcome.get("elapsedMs").asLong(),
                    outcome.get("socketErrors"));
        }

        long latestTime = report.at("/query/latestTime").asLong();
        assertThat(report.at("/trusted/values")).as("what the caller with the mesh's client certificate got")
                .containsExactly(NewsPages.page(items, latestTime, LIMIT));
        for (String refused : List.of("withoutCertificate", "otherAuthority")) {
            JsonNode outcome = report.get(refused);
            assertThat(outcome.has("values")).as("%s got an answer: %s", refused, outcome).isFalse();
            assertThat(outcome.at("/error/message").asString()).as("the error the %s caller got: %s", refused, outcome)
                    .isEqualTo("Connection closed");
            assertThat(outcome.get("socketErrors")).as("what the %s caller's socket reported (the TLS refusal)", refused)
                    .isNotEmpty();
        }
        // Each caller emitted its probe before its request, and the trusted one went last, after the others'
        // connections had closed: once the node logged the trusted probe, it had read all that reached it. No
        // refused caller's probe among them means nothing they sent got past TLS to a handler.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(probesRead()).as("probes push-tls read; its log:%n%s", javaNode.logText()).contains("trusted"));
        System.out.printf("push-tls read the probe events of: %s%n", probesRead());
        assertThat(probesRead()).containsExactly("trusted");
    }

    @Test
    void theMeshsTlsClientGetsNewsFromANestServiceRequiringClientCertificatesOnlyWithItsCertificate() {
        int nestPort = FreePorts.next();
        LoggedProcess nestService = started.add(nest.start("nest-tls-news", "news-service.mjs", List.of(
                "--items", itemsFile.toString(), "--port", String.valueOf(nestPort), "--host", "127.0.0.1", "--standalone",
                "--tls-cert", nodeCertificate.certificate().toString(),
                "--tls-key", nodeCertificate.privateKey().toString(),
                "--tls-ca", ca.certificate().toString(),
                "--tls-require-client-cert"), Map.of()));
        nestService.awaitLogLine(NEST_READY, Duration.ofSeconds(30));
        long latestTime = System.currentTimeMillis();
        ObjectNode query = JSON.createObjectNode().put("latestTime", latestTime).put("limit", LIMIT);

        long callStarted = System.nanoTime();
        List<JsonNode> answers;
        try (TcpClient trusted = tlsClient(nestPort, clientCertificate)) {
            answers = trusted.send(FETCH_LATEST_NEWS, query).collectList().block(CALL_TIMEOUT);
        }
        System.out.printf("TcpClient (mesh client certificate) -> nest-tls-news 127.0.0.1:%d fetchLatestNews:"
                        + " %d answer(s), %d items in %d ms%n", nestPort, answers.size(),
                answers.isEmpty() ? 0 : answers.get(0).size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - callStarted));
        assertThat(answers).as("answers of nest-tls-news; its log:%n%s", nestService.logText())
                .containsExactly(NewsPages.page(items, latestTime, LIMIT));

        // The JDK offers a client certificate only when its issuer is among the CAs the server asks for, so
        // with another CA's certificate the Nest service sees no certificate at all, as in the first case.
        for (Pair own : new Pair[] {null, strangerCertificate}) {
            String caller = own == null ? "without certificate" : "holding another CA's certificate";
            callStarted = System.nanoTime();
            Throwable failure;
            try (TcpClient refused = tlsClient(nestPort, own)) {
                failure = catchThrowable(() -> refused.send(FETCH_LATEST_NEWS, query).collectList().block(CALL_TIMEOUT));
            }
            System.out.printf("TcpClient (%s) -> nest-tls-news fetchLatestNews: %s in %d ms%n", caller, failure,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - callStarted));
            assertThat(failure).as("the call %s", caller).isInstanceOf(TransportException.class);
        }
        // Node reports a handshake without a client certificate to the server's tlsClientError listeners:
        // the connection never reached Nest's handlers.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(nestRefusals(nestService)).as("refusals in nest-tls-news's log:%n%s", nestService.logText())
                        .isNotEmpty());
        System.out.printf("nest-tls-news logged: %s%n", nestRefusals(nestService));
    }

    /** The mesh's TCP client trusting the test CA for the node's certificate, presenting {@code own} if given. */
    private static TcpClient tlsClient(int port, Pair own) {
        TlsProperties tls = new TlsProperties();
        tls.setEnabled(true);
        tls.setTrustedCertificates(ca.certificate().toString());
        if (own != null) {
            tls.setCertificate(own.certificate().toString());
            tls.setPrivateKey(own.privateKey().toString());
        }
        TcpClientOptions options = TcpClientOptions.defaults()
                .withTls(new TcpClientOptions.ClientTls(TlsContexts.forClient(tls, "mesh.client.tls"), true));
        return new TcpClient("127.0.0.1", port, options, group, CODEC);
    }

    /** The callers whose probe event reached push-tls's handlers, in the order it read them. */
    private static List<String> probesRead() {
        return javaNode.logText().lines().map(PROBE_READ::matcher).filter(Matcher::find).map(m -> m.group(1)).toList();
    }

    private static List<String> nestRefusals(LoggedProcess nestService) {
        return nestService.logText().lines().filter(line -> NEST_REFUSED.matcher(line).find()).toList();
    }
}
