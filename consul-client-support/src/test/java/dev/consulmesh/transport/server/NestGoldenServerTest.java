package dev.consulmesh.transport.server;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.NullNode;
import dev.consulmesh.transport.wire.NestGolden;
import dev.consulmesh.transport.wire.NestGolden.Case;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our server pipeline, fed the bytes a real NestJS client sent, answers with exactly the bytes the real
 * NestJS server answered. The handlers behave like those of {@code src/test/nest-golden/capture.mjs}.
 */
class NestGoldenServerTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final PacketCodec codec = new PacketCodec(mapper);
    private final NewsHandlers news = new NewsHandlers();
    private final HandlerRegistry registry = new HandlerRegistry(new PatternRoute(mapper));
    private final TcpServerProperties properties = new TcpServerProperties();
    private EmbeddedChannel channel;

    @BeforeEach
    void registerHandlers() {
        AnnotatedHandlers.register(registry, news, mapper);
    }

    @AfterEach
    void closeChannel() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    static List<Case> requests() {
        return NestGolden.requests();
    }

    @ParameterizedTest
    @MethodSource("requests")
    void answersEachRequestWithTheBytesNestAnswered(Case golden) {
        channel = serverPipeline();

        channel.writeInbound(Unpooled.wrappedBuffer(golden.toServer()));

        assertSameBytes(outbound(channel), golden.toClient());
    }

    @ParameterizedTest
    @MethodSource("requests")
    void answersTheSameWhenTheRequestArrivesOneByteAtATime(Case golden) {
        channel = serverPipeline();

        for (byte b : golden.toServer()) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }

        assertSameBytes(outbound(channel), golden.toClient());
    }

    @Test
    void answersEveryRequestOfOneCoalescedReadInOrder() {
        channel = serverPipeline();
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        ByteArrayOutputStream answers = new ByteArrayOutputStream();
        for (Case golden : NestGolden.cases()) {
            requests.writeBytes(golden.toServer());
            if (golden.toClient() != null) {
                answers.writeBytes(golden.toClient());
            }
        }

        channel.writeInbound(Unpooled.wrappedBuffer(requests.toByteArray()));

        assertSameBytes(outbound(channel), answers.toByteArray());
        assertThat(news.events).hasSize(1);
    }

    @Test
    void handsAnEventToItsHandlerAndAnswersNothing() {
        Case golden = NestGolden.named("fetchNewsTask");
        channel = serverPipeline();

        channel.writeInbound(Unpooled.wrappedBuffer(golden.toServer()));

        assertThat(outbound(channel)).isEmpty();
        assertThat(news.events).containsExactlyElementsOf(golden.expectedOutcome().get("serverReceived"));
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void keepsTheConnectionOpenAfterAnswering() {
        channel = serverPipeline();

        for (Case golden : NestGolden.requests()) {
            channel.writeInbound(Unpooled.wrappedBuffer(golden.toServer()));
            assertSameBytes(outbound(channel), golden.toClient());
            assertThat(channel.isActive()).as("after %s", golden).isTrue();
        }
    }

    /** The pipeline above is the one {@link TcpServer} builds: check it against a real server and socket once. */
    @Test
    void aRealTcpServerAnswersTheWholeConversationByteForByte() throws Exception {
        properties.setHost("127.0.0.1");
        properties.setPort(0);
        TcpServer server = new TcpServer(properties, registry, codec);
        server.start();
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            OutputStream out = socket.getOutputStream();
            for (Case golden : NestGolden.cases()) {
                out.write(golden.toServer());
                if (golden.toClient() != null) {
                    expected.writeBytes(golden.toClient());
                }
            }
            out.flush();

            byte[] answered = socket.getInputStream().readNBytes(expected.size());

            assertSameBytes(answered, expected.toByteArray());
        } finally {
            server.stop();
        }
    }

    private EmbeddedChannel serverPipeline() {
        return new EmbeddedServerConnection(properties, registry, codec).channel;
    }

    private static byte[] outbound(EmbeddedChannel channel) {
        channel.runPendingTasks();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Object message = channel.readOutbound(); message != null; message = channel.readOutbound()) {
            ByteBuf buffer = (ByteBuf) message;
            bytes.writeBytes(ByteBufUtil.getBytes(buffer));
            buffer.release();
        }
        return bytes.toByteArray();
    }

    private static void assertSameBytes(byte[] actual, byte[] expected) {
        // Compared as text first for a readable difference, then byte for byte.
        assertThat(new String(actual, StandardCharsets.UTF_8)).isEqualTo(new String(expected, StandardCharsets.UTF_8));
        assertThat(actual).isEqualTo(expected);
    }

    /** The handlers of the Nest capture project, written as a Java service would write them. */
    static final class NewsHandlers {

        final List<JsonNode> events = new CopyOnWriteArrayList<>();

        record NewsQuery(String latestTime, String source) {
        }

        record News(int id, String title, String publishedAt, String source) {
        }

        @MessagePattern("fetchLatestNews")
        List<News> fetchLatestNews(NewsQuery query) {
            return List.of(new News(1, "First headline", query.latestTime(), query.source()),
                    new News(2, "Second headline", query.latestTime(), query.source()));
        }

        @MessagePattern("{\"cmd\":\"sum\",\"b\":{\"z\":1,\"a\":\"x\"}}")
        int sum(List<Integer> numbers) {
            return numbers.stream().mapToInt(Integer::intValue).sum();
        }

        @MessagePattern("unicode")
        String unicode(String text) {
            return text;
        }

        @MessagePattern("many")
        Flux<Integer> many() {
            return Flux.just(1, 2, 3);
        }

        @MessagePattern("none")
        Flux<Object> none() {
            return Flux.empty();
        }

        @MessagePattern("undefinedResult")
        Object undefinedResult() {
            return null;
        }

        @MessagePattern("nullResult")
        JsonNode nullResult() {
            return NullNode.getInstance();
        }

        @MessagePattern("rpcString")
        Object rpcString(JsonNode data) {
            throw new RpcException("bad latestTime");
        }

        @MessagePattern("rpcObject")
        Object rpcObject() {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("status", "error");
            error.put("message", "custom");
            error.put("field", "x");
            throw new RpcException(error);
        }

        @MessagePattern("boom")
        Object boom() {
            throw new IllegalStateException("boom: plain error");
        }

        @EventPattern("fetchNewsTask")
        void fetchNewsTask(JsonNode data) {
            events.add(data);
        }
    }
}
