package dev.consulmesh.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FrameEncoderTest {

    @Test
    void prefixesTheTextWithItsLengthAndAHash() {
        assertThat(encode("{\"pattern\":\"p\"}")).isEqualTo("15#{\"pattern\":\"p\"}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void countsUtf16CodeUnitsAndWritesTheBodyAsRawUtf8() {
        String json = "{\"s\":\"é日😀\"}"; // 12 UTF-16 code units: é 1, 日 1, 😀 2; 17 bytes in UTF-8

        byte[] frame = encode(json);

        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        assertThat(body).hasSize(17);
        assertThat(frame).isEqualTo(FrameDecoderTest.concat("12#".getBytes(StandardCharsets.US_ASCII), body));
    }

    @Test
    void writesNothingAfterTheBody() {
        byte[] frame = encode("{}");

        assertThat(new String(frame, StandardCharsets.UTF_8)).isEqualTo("2#{}");
    }

    @Test
    void encodesAnEmptyText() {
        assertThat(new String(encode(""), StandardCharsets.UTF_8)).isEqualTo("0#");
    }

    @Test
    void encodesALongTextWithAMultiDigitPrefix() {
        String json = "{\"s\":\"" + "é".repeat(20_000) + "\"}";

        byte[] frame = encode(json);

        assertThat(new String(frame, 0, 6, StandardCharsets.US_ASCII)).isEqualTo("20008#");
        assertThat(frame).hasSize(6 + 8 + 40_000);
    }

    @Test
    void roundTripsThroughTheDecoder() {
        List<String> jsons = List.of("{}", "{\"a\":\"é\"}", "{\"日本語\":[1,2,3]}", "{\"e\":\"😀😀\",\"q\":\"\\\"\\\\\"}",
                "\"just a string\"", "{\"long\":\"" + "x😀".repeat(5_000) + "\"}");
        EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder());
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (String json : jsons) {
            encoder.writeOutbound(JsonFrame.of(json));
            wire.writeBytes(readOutbound(encoder));
        }

        EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder(1 << 20));
        decoder.writeInbound(Unpooled.wrappedBuffer(wire.toByteArray()));
        List<String> decoded = new ArrayList<>();
        for (Object frame = decoder.readInbound(); frame != null; frame = decoder.readInbound()) {
            decoded.add(((JsonFrame) frame).text());
        }

        assertThat(decoded).containsExactlyElementsOf(jsons);
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
    }

    static byte[] encode(String json) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder());
        channel.writeOutbound(JsonFrame.of(json));
        byte[] bytes = readOutbound(channel);
        assertThat((Object) channel.readOutbound()).as("one buffer per frame").isNull();
        channel.finishAndReleaseAll();
        return bytes;
    }

    static byte[] readOutbound(EmbeddedChannel channel) {
        ByteBuf buffer = channel.readOutbound();
        try {
            return ByteBufUtil.getBytes(buffer);
        } finally {
            buffer.release();
        }
    }
}
