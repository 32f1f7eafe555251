package dev.consulmesh.transport.client;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.transport.wire.LimitViolations;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.TransportLimit;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The limits a client puts on a node's answers, against a scripted peer on 127.0.0.1. */
class TcpClientLimitsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final NioEventLoopGroup group = new NioEventLoopGroup(1);
    private final PacketCodec codec = new PacketCodec(new ObjectMapper());
    private final LimitViolations violations = new LimitViolations("client", MeshMetrics.inMemory(),
            LoggerFactory.getLogger(TcpClientLimitsTest.class));

    @AfterEach
    void stopThreads() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void closesTheConnectionWhenAnAnswerFrameStaysIncompleteAndFailsItsRequests() throws Exception {
        TcpClientOptions options = new TcpClientOptions(Duration.ofSeconds(2), WAIT, 1024, Duration.ofMillis(300),
                TcpClientOptions.KeepAlive.DEFAULT, null);
        try (RawPeer peer = new RawPeer((connection, frame) -> "100#{\"response\":".getBytes(StandardCharsets.UTF_8));
             TcpClient client = new TcpClient("127.0.0.1", peer.port(), options, IoThreads.of(group), codec, violations)) {

            Throwable thrown = catchThrowable(() -> client.send(NODES.stringNode("p"), NODES.nullNode()).blockLast(WAIT));

            assertThat(thrown).isInstanceOf(ConnectionClosedException.class);
            assertThat(violations.count(TransportLimit.FRAME_TIMEOUT)).isEqualTo(1);
        }
    }

    @Test
    void closesTheConnectionWhenAnAnswerAnnouncesAFrameOverTheMaximum() throws Exception {
        TcpClientOptions options = new TcpClientOptions(Duration.ofSeconds(2), WAIT, 1024);
        try (RawPeer peer = new RawPeer((connection, frame) -> "1025#".getBytes(StandardCharsets.UTF_8));
             TcpClient client = new TcpClient("127.0.0.1", peer.port(), options, IoThreads.of(group), codec, violations)) {

            Throwable thrown = catchThrowable(() -> client.send(NODES.stringNode("p"), NODES.nullNode()).blockLast(WAIT));

            assertThat(thrown).isInstanceOf(ConnectionClosedException.class);
            assertThat(violations.count(TransportLimit.MAX_FRAME_LENGTH)).isEqualTo(1);
        }
    }
}
