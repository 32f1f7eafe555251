package dev.consulmesh.transport.wire;

import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.transport.wire.NestGolden.Case;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wire layer against the frames a real NestJS 12 peer wrote: our encoder writes the same bytes for
 * the same packets, our decoder reads Nest's bytes however they are split, and our codec reads every
 * packet Nest wrote. The server and client sides have their own golden tests in their packages.
 */
class NestGoldenFramesTest {

    private final PacketCodec codec = new PacketCodec(new ObjectMapper());

    static List<Case> cases() {
        return NestGolden.cases();
    }

    static List<Case> requests() {
        return NestGolden.requests();
    }

    @ParameterizedTest
    @MethodSource("requests")
    void writesARequestExactlyAsTheNestClientDid(Case golden) {
        RequestPacket request = new RequestPacket(golden.pattern(), golden.data(),
                codec.nodes().stringNode(golden.goldenId()));

        assertSameBytes(FrameEncoderTest.encode(codec.write(request)), golden.toServer());
    }

    @Test
    void writesAnEventExactlyAsTheNestClientDid() {
        Case golden = NestGolden.named("fetchNewsTask");

        assertSameBytes(FrameEncoderTest.encode(codec.write(new EventPacket(golden.pattern(), golden.data()))),
                golden.toServer());
    }

    @ParameterizedTest
    @MethodSource("requests")
    void writesTheAnswersExactlyAsTheNestServerDid(Case golden) {
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        for (String json : NestGolden.frames(golden.toClient())) {
            written.writeBytes(FrameEncoderTest.encode(codec.write(codec.readResponse(json))));
        }

        assertSameBytes(written.toByteArray(), golden.toClient());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void prefixesEveryNestFrameWithItsLengthInUtf16CodeUnits(Case golden) {
        for (byte[] bytes : golden.toClient() == null ? List.of(golden.toServer()) : List.of(golden.toServer(), golden.toClient())) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            for (String json : NestGolden.frames(bytes)) {
                assertThat(text).contains(json.length() + "#" + json);
            }
        }
        if (golden.name().equals("unicode")) {
            assertThat(golden.toServer().length).as("non-ASCII: more bytes than code units")
                    .isGreaterThan(new String(golden.toServer(), StandardCharsets.UTF_8).length());
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void decodesNestsBytesWhateverByteTheyAreSplitAt(Case golden) {
        byte[] stream = golden.toClient() == null ? golden.toServer()
                : FrameDecoderTest.concat(golden.toServer(), golden.toClient());
        List<String> expected = NestGolden.frames(stream);

        for (int split = 0; split < stream.length; split++) {
            EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1 << 20));
            channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(stream, 0, split)));
            channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(stream, split, stream.length)));
            List<String> decoded = new ArrayList<>();
            for (Object frame = channel.readInbound(); frame != null; frame = channel.readInbound()) {
                decoded.add(((JsonFrame) frame).text());
            }
            assertThat(decoded).as("split at byte %d", split).containsExactlyElementsOf(expected);
            channel.finishAndReleaseAll();
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void readsWhatTheNestClientSent(Case golden) {
        Packet packet = codec.readInbound(NestGolden.frames(golden.toServer()).get(0));

        if (golden.isRequest()) {
            assertThat(packet).isEqualTo(new RequestPacket(golden.pattern(), golden.data(),
                    codec.nodes().stringNode(golden.goldenId())));
        } else {
            assertThat(packet).isEqualTo(new EventPacket(golden.pattern(), golden.data()));
        }
    }

    @Test
    void readsTheNestServersAnswerShapes() {
        ResponsePacket many = codec.readResponse(NestGolden.frames(NestGolden.named("many").toClient()).get(0));
        assertThat(many.disposed()).isFalse();
        assertThat(many.response().intValue()).isEqualTo(1);

        ResponsePacket none = codec.readResponse(NestGolden.frames(NestGolden.named("none").toClient()).get(0));
        assertThat(none.response()).isNull();
        assertThat(none.disposed()).isTrue();

        ResponsePacket noHandler = codec.readResponse(
                NestGolden.frames(NestGolden.named("noSuchPattern").toClient()).get(0));
        assertThat(noHandler.status()).isEqualTo("error");
        assertThat(noHandler.err().stringValue()).isEqualTo(ResponsePacket.NO_MESSAGE_HANDLER);
    }

    private static void assertSameBytes(byte[] actual, byte[] expected) {
        assertThat(new String(actual, StandardCharsets.UTF_8)).isEqualTo(new String(expected, StandardCharsets.UTF_8));
        assertThat(actual).isEqualTo(expected);
    }
}
