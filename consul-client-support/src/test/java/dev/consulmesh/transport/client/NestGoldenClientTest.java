package dev.consulmesh.transport.client;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.transport.wire.NestGolden;
import dev.consulmesh.transport.wire.NestGolden.Case;
import dev.consulmesh.transport.wire.PacketCodec;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Our client against a raw socket peer that answers with the bytes the real NestJS server sent (only the
 * request id rewritten to ours): the client yields exactly the values or errors the real NestJS client
 * got, and writes exactly the bytes the real NestJS client wrote.
 */
class NestGoldenClientTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ObjectMapper mapper = new ObjectMapper();
    private final PacketCodec codec = new PacketCodec(mapper);
    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private RawPeer peer;
    private TcpClient client;

    @AfterEach
    void close() throws Exception {
        if (client != null) {
            client.close();
        }
        if (peer != null) {
            peer.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static List<Case> requests() {
        return NestGolden.requests();
    }

    @ParameterizedTest
    @MethodSource("requests")
    void yieldsWhatTheNestClientGot(Case golden) throws Exception {
        peer = new RawPeer((connection, frame) -> new String(golden.toClient(), StandardCharsets.UTF_8)
                .replace(golden.goldenId(), idOf(frame)).getBytes(StandardCharsets.UTF_8));
        client = new TcpClient("127.0.0.1", peer.port(), TcpClientOptions.defaults(), group, codec);

        Throwable failure = null;
        List<JsonNode> values = null;
        try {
            values = client.send(golden.pattern(), golden.data()).collectList().block(WAIT);
        } catch (RuntimeException e) {
            failure = e;
        }

        if (golden.completed()) {
            assertThat(failure).as("the Nest client completed").isNull();
            assertThat(mapper.valueToTree(values).toString()).isEqualTo(golden.expectedResponses().toString());
        } else {
            assertThat(failure).isInstanceOf(RemoteErrorException.class);
            RemoteErrorException error = (RemoteErrorException) failure;
            assertThat(error.err().toString()).isEqualTo(golden.expectedError().toString());
            assertThat(error.isNoHandler()).isEqualTo(golden.name().equals("noSuchPattern"));
            assertThat(error.node()).isEqualTo("127.0.0.1:" + peer.port());
            // "no handler" means no handler ran it: retrying it elsewhere cannot run it twice
            assertThat(error.mayHaveReachedHandler()).isEqualTo(!golden.name().equals("noSuchPattern"));
        }
        assertThat(client.pending()).isZero();
    }

    @ParameterizedTest
    @MethodSource("requests")
    void writesTheBytesTheNestClientWrote(Case golden) throws Exception {
        peer = new RawPeer((connection, frame) -> new String(golden.toClient(), StandardCharsets.UTF_8)
                .replace(golden.goldenId(), idOf(frame)).getBytes(StandardCharsets.UTF_8));
        client = new TcpClient("127.0.0.1", peer.port(), TcpClientOptions.defaults(), group, codec);

        client.send(golden.pattern(), golden.data()).onErrorComplete().blockLast(WAIT);

        String frame = peer.nextFrame();
        String ourId = idOf(frame);
        assertThat(ourId).as("a request id shaped like Nest's").matches("[0-9a-f]{21}");
        assertThat(frame).isEqualTo(new String(golden.toServer(), StandardCharsets.UTF_8).replace(golden.goldenId(), ourId));
    }

    @Test
    void emitsTheBytesTheNestClientEmitted() throws Exception {
        Case golden = NestGolden.named("fetchNewsTask");
        peer = new RawPeer((connection, frame) -> new byte[0]);
        client = new TcpClient("127.0.0.1", peer.port(), TcpClientOptions.defaults(), group, codec);

        client.emit(golden.pattern(), golden.data()).block(WAIT);

        assertThat(peer.nextFrame().getBytes(StandardCharsets.UTF_8)).isEqualTo(golden.toServer());
    }

    @Test
    void servesEveryGoldenCaseOnOneConnection() throws Exception {
        peer = new RawPeer((connection, frame) -> {
            Case golden = NestGolden.requests().stream()
                    .filter(c -> c.pattern().equals(NestGolden.parse(json(frame)).get("pattern")))
                    .findFirst().orElseThrow();
            return new String(golden.toClient(), StandardCharsets.UTF_8).replace(golden.goldenId(), idOf(frame))
                    .getBytes(StandardCharsets.UTF_8);
        });
        client = new TcpClient("127.0.0.1", peer.port(), TcpClientOptions.defaults(), group, codec);

        for (Case golden : NestGolden.requests()) {
            Throwable failure = catchThrowable(() -> client.send(golden.pattern(), golden.data()).collectList().block(WAIT));
            assertThat(failure == null).as(golden.name()).isEqualTo(golden.completed());
        }

        assertThat(peer.connections()).isEqualTo(1);
    }

    private static String json(String frame) {
        return frame.substring(frame.indexOf('#') + 1);
    }

    private static String idOf(String frame) {
        return NestGolden.parse(json(frame)).get("id").stringValue();
    }
}
