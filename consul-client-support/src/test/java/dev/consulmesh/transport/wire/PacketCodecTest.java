package dev.consulmesh.transport.wire;

import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class PacketCodecTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final PacketCodec codec = new PacketCodec(new ObjectMapper());

    @Test
    void writesARequestAsPatternDataId() {
        String json = codec.write(new RequestPacket(NODES.stringNode("fetchLatestNews"),
                json("{\"latestTime\":\"2024-05-01T10:00:00.000Z\"}"), NODES.stringNode("0123456789abcdef01234")));

        assertThat(json).isEqualTo(
                "{\"pattern\":\"fetchLatestNews\",\"data\":{\"latestTime\":\"2024-05-01T10:00:00.000Z\"},"
                        + "\"id\":\"0123456789abcdef01234\"}");
    }

    @Test
    void writesAnObjectPatternInTheKeyOrderItWasGiven() {
        String json = codec.write(new RequestPacket(json("{\"cmd\":\"sum\",\"b\":{\"z\":1,\"a\":\"x\"}}"),
                json("[1,2]"), NODES.stringNode("i")));

        assertThat(json).isEqualTo("{\"pattern\":{\"cmd\":\"sum\",\"b\":{\"z\":1,\"a\":\"x\"}},\"data\":[1,2],\"id\":\"i\"}");
    }

    @Test
    void writesAnEventAsPatternDataWithoutId() {
        String json = codec.write(new EventPacket(NODES.stringNode("fetchNewsTask"), json("{\"trigger\":\"schedule\"}")));

        assertThat(json).isEqualTo("{\"pattern\":\"fetchNewsTask\",\"data\":{\"trigger\":\"schedule\"}}");
    }

    @Test
    void writesNonAsciiTextRawAndEscapesQuotesAndBackslashes() {
        String json = codec.write(new EventPacket(NODES.stringNode("unicode"), NODES.stringNode("é😀 \"q\" \\ end")));

        assertThat(json).isEqualTo("{\"pattern\":\"unicode\",\"data\":\"é😀 \\\"q\\\" \\\\ end\"}");
    }

    @Test
    void writesAResponseValueWithoutIsDisposedWhenMoreFollow() {
        assertThat(codec.write(ResponsePacket.value(NODES.stringNode("i"), NODES.numberNode(1), false)))
                .isEqualTo("{\"response\":1,\"id\":\"i\"}");
    }

    @Test
    void writesTheLastResponseValueAsResponseIsDisposedId() {
        assertThat(codec.write(ResponsePacket.value(NODES.stringNode("i"), json("{\"b\":1,\"a\":2}"), true)))
                .isEqualTo("{\"response\":{\"b\":1,\"a\":2},\"isDisposed\":true,\"id\":\"i\"}");
    }

    @Test
    void writesANullResponseAsResponseNull() {
        assertThat(codec.write(ResponsePacket.value(NODES.stringNode("i"), NullNode.getInstance(), true)))
                .isEqualTo("{\"response\":null,\"isDisposed\":true,\"id\":\"i\"}");
    }

    @Test
    void writesACompletionWithoutAValueAsIsDisposedId() {
        assertThat(codec.write(ResponsePacket.completion(NODES.stringNode("i"))))
                .isEqualTo("{\"isDisposed\":true,\"id\":\"i\"}");
    }

    @Test
    void writesAnErrorAsErrIsDisposedId() {
        assertThat(codec.write(ResponsePacket.error(NODES.stringNode("i"),
                json("{\"status\":\"error\",\"message\":\"bad latestTime\"}"))))
                .isEqualTo("{\"err\":{\"status\":\"error\",\"message\":\"bad latestTime\"},\"isDisposed\":true,\"id\":\"i\"}");
    }

    @Test
    void writesTheNoHandlerReplyAsIdStatusErrWithoutIsDisposed() {
        assertThat(codec.write(ResponsePacket.noHandler(NODES.stringNode("i"), NODES)))
                .isEqualTo("{\"id\":\"i\",\"status\":\"error\","
                        + "\"err\":\"There is no matching message handler defined in the remote service.\"}");
    }

    @Test
    void readsAPacketWithAnIdAsARequest() {
        Packet packet = codec.readInbound("{\"pattern\":\"p\",\"data\":{\"x\":1},\"id\":\"abc\"}");

        assertThat(packet).isEqualTo(new RequestPacket(NODES.stringNode("p"), json("{\"x\":1}"), NODES.stringNode("abc")));
    }

    @Test
    void readsAPacketWithoutAnIdAsAnEvent() {
        Packet packet = codec.readInbound("{\"pattern\":\"p\",\"data\":[1]}");

        assertThat(packet).isEqualTo(new EventPacket(NODES.stringNode("p"), json("[1]")));
    }

    @Test
    void readsAMissingPatternOrDataAsJsonNull() {
        assertThat(codec.readInbound("{\"id\":\"i\"}"))
                .isEqualTo(new RequestPacket(NullNode.getInstance(), NullNode.getInstance(), NODES.stringNode("i")));
    }

    @Test
    void readsAJsonNullBodyAsAnEmptyObject() {
        assertThat(codec.readInbound("null")).isEqualTo(new EventPacket(NullNode.getInstance(), NullNode.getInstance()));
    }

    @Test
    void echoesANumericIdAsANumber() {
        RequestPacket request = (RequestPacket) codec.readInbound("{\"pattern\":\"p\",\"data\":{},\"id\":42}");

        assertThat(codec.write(ResponsePacket.completion(request.id()))).isEqualTo("{\"isDisposed\":true,\"id\":42}");
    }

    @Test
    void echoesAnIdExactlyAsItCameWhateverItsType() {
        for (String id : new String[] {"\"cd2cc3a6898e6dc3e7006\"", "7", "12345678901234567890123", "true", "null",
                "{\"k\":[1,\"v\"]}"}) {
            RequestPacket request = (RequestPacket) codec.readInbound("{\"pattern\":\"p\",\"data\":{},\"id\":" + id + "}");

            assertThat(codec.write(ResponsePacket.value(request.id(), NODES.numberNode(1), true)))
                    .isEqualTo("{\"response\":1,\"isDisposed\":true,\"id\":" + id + "}");
        }
        assertThat(((RequestPacket) codec.readInbound("{\"pattern\":\"p\",\"id\":12345678901234567890123}")).id()
                .bigIntegerValue()).isEqualTo(new BigInteger("12345678901234567890123"));
    }

    @Test
    void readsAResponseValue() {
        ResponsePacket response = codec.readResponse("{\"response\":[1,2],\"isDisposed\":true,\"id\":\"i\"}");

        assertThat(response).isEqualTo(new ResponsePacket(NODES.stringNode("i"), json("[1,2]"), null, true, null));
        assertThat(response.isError()).isFalse();
    }

    @Test
    void readsAResponseNullAsANullNodeAndNoResponseKeyAsNull() {
        assertThat(codec.readResponse("{\"response\":null,\"isDisposed\":true,\"id\":\"i\"}").response())
                .isEqualTo(NullNode.getInstance());
        assertThat(codec.readResponse("{\"isDisposed\":true,\"id\":\"i\"}").response()).isNull();
    }

    @Test
    void readsAnErrorResponse() {
        ResponsePacket response = codec.readResponse(
                "{\"err\":{\"status\":\"error\",\"message\":\"custom\"},\"isDisposed\":true,\"id\":\"i\"}");

        assertThat(response.isError()).isTrue();
        assertThat(response.err()).isEqualTo(json("{\"status\":\"error\",\"message\":\"custom\"}"));
        assertThat(response.status()).isNull();
    }

    @Test
    void readsTheNoHandlerReply() {
        ResponsePacket response = codec.readResponse("{\"id\":\"i\",\"status\":\"error\","
                + "\"err\":\"There is no matching message handler defined in the remote service.\"}");

        assertThat(response.isError()).isTrue();
        assertThat(response.status()).isEqualTo("error");
        assertThat(response.disposed()).isFalse();
        assertThat(response.err().stringValue()).isEqualTo(ResponsePacket.NO_MESSAGE_HANDLER);
    }

    @Test
    void rejectsAResponseWithoutAnId() {
        assertThat(catchThrowable(() -> codec.readResponse("{\"response\":1,\"isDisposed\":true}")))
                .isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("no id");
    }

    @Test
    void rejectsInvalidJsonNamingTheProblemAndTheText() {
        Throwable thrown = catchThrowable(() -> codec.readInbound("{\"pattern\":\"p\",\"data\":"));

        assertThat(thrown).isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("not valid JSON")
                .hasMessageContaining("{\"pattern\":\"p\",\"data\":");
    }

    @Test
    void abbreviatesALongInvalidTextInTheMessage() {
        String text = "{\"pattern\":\"" + "x".repeat(500);

        assertThat(catchThrowable(() -> codec.readInbound(text)).getMessage()).hasSizeLessThan(400).contains("...");
    }

    /**
     * Nest hands the frame text to {@code JSON.parse}, which fails on an empty text and on anything after
     * the value (two packets in one frame, as a wrong length prefix gives); the socket is then closed.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "{\"pattern\":\"p\",\"data\":1} x", "{\"pattern\":\"a\",\"data\":1}{\"pattern\":\"b\",\"data\":2}"})
    void rejectsWhatJsonParseRejects(String text) {
        assertThat(catchThrowable(() -> codec.readInbound(text))).isInstanceOf(MalformedFrameException.class);
        assertThat(catchThrowable(() -> codec.readResponse(text))).isInstanceOf(MalformedFrameException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{'pattern':'p'}", "{\"pattern\":NaN}", "{\"a\":1,}", "{\"a\":01}", "// c\n{}"})
    void rejectsJsonExtensionsThatJsonParseRejects(String text) {
        assertThat(catchThrowable(() -> codec.readInbound(text))).isInstanceOf(MalformedFrameException.class);
    }

    private static JsonNode json(String text) {
        return NestGolden.parse(text);
    }

    @Test
    void readsBytesThatAreNotUtf8AsTextWithReplacementCharactersLikeNest() {
        byte[] utf8 = "{\"pattern\":\"p\",\"data\":\"a?b\",\"id\":\"i\"}".getBytes(StandardCharsets.UTF_8);
        utf8[24] = (byte) 0xFF; // the "?": a byte no UTF-8 text holds
        RequestPacket request = (RequestPacket) codec.readInbound(new JsonFrame(utf8));
        assertThat(request.data().asString()).isEqualTo("a\uFFFDb");
    }
}
