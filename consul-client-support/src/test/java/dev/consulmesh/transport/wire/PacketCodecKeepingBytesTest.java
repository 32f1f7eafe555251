package dev.consulmesh.transport.wire;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * An answer read with its value kept as the bytes that came: the same packet as {@link PacketCodec#readResponse}
 * reads, the same errors, and an array's elements exactly where they are in the frame.
 */
class PacketCodecKeepingBytesTest {

    private final PacketCodec codec = new PacketCodec(new ObjectMapper());

    @Test
    void keepsTheValueAndFindsEachElementOfAnArrayWhateverItHolds() {
        String elements = "{\"id\":\"a\",\"n\":[1,{\"x\":\"]\"}]} | \"s,t\\\"r\\u00e9\" | -1.5e3 | true | null | [] | {} | 0 | \"é😀\"";
        List<String> expected = List.of(elements.split(" \\| "));
        String value = " [ " + String.join(" ,\n", expected) + " ] ";
        JsonFrame frame = JsonFrame.of("{\"response\":" + value + ",\"isDisposed\":true,\"id\":\"i\"}");

        ResponsePacket read = codec.readResponseKeepingBytes(frame);

        RawJson raw = RawJson.in(read.response());
        assertThat(raw.text()).isEqualTo(value.strip());
        assertThat(raw.type()).isEqualTo(JsonNodeType.ARRAY);
        List<String> found = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            found.add(new String(raw.utf8(), raw.elementStart(i), raw.elementEnd(i) - raw.elementStart(i), StandardCharsets.UTF_8));
        }
        assertThat(found).isEqualTo(expected);
        assertThat(read.id().asString()).isEqualTo("i");
        assertThat(read.disposed()).isTrue();
        assertThat(codec.asRequested(read.response(), false)).isEqualTo(codec.readResponse(frame).response());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"response\":[1,2],\"isDisposed\":true,\"id\":\"i\"}",
            "{\"response\":{\"a\":[1]},\"id\":7}",
            "{\"response\":\"text\",\"isDisposed\":false,\"id\":\"i\"}",
            "{\"response\":12.50,\"isDisposed\":true,\"id\":\"i\"}",
            "{\"response\":null,\"isDisposed\":true,\"id\":\"i\"}",
            "{\"isDisposed\":true,\"id\":\"i\"}",
            "{\"err\":{\"status\":\"error\",\"message\":\"custom\"},\"isDisposed\":true,\"id\":\"i\"}",
            "{\"id\":\"i\",\"status\":\"error\",\"err\":\"There is no matching message handler defined in the remote service.\"}",
            "{\"extra\":{\"deep\":[1,2,{}]},\"response\":[],\"id\":\"i\",\"isDisposed\":1}",
            "{\"response\":[1],\"response\":[2,3],\"id\":\"i\"}",
            "{\"response\":[1],\"id\":null}",
    })
    void readsThePacketThatTheTreeReaderReads(String text) {
        ResponsePacket tree = codec.readResponse(text);
        ResponsePacket kept = codec.readResponseKeepingBytes(JsonFrame.of(text));

        assertThat(new ResponsePacket(kept.id(), kept.response() == null ? null : codec.asRequested(kept.response(), false),
                kept.err(), kept.disposed(), kept.status())).isEqualTo(tree);
    }

    @Test
    void bytesThatAreNotUtf8AreReadAsNestReadsThemAndKeptAsTheTreeWrittenBack() {
        byte[] frame = "{\"response\":[\"a\u0001\",\"b\"],\"isDisposed\":true,\"id\":\"i\"}".getBytes(StandardCharsets.UTF_8);
        frame[15] = (byte) 0xFF; // the \u0001 in the first string

        ResponsePacket kept = codec.readResponseKeepingBytes(new JsonFrame(frame));

        RawJson raw = RawJson.in(kept.response());
        assertThat(raw.text()).isEqualTo("[\"a\uFFFD\",\"b\"]");
        assertThat(raw.size()).isEqualTo(2);
        assertThat(codec.tree(raw)).isEqualTo(codec.readResponse(new JsonFrame(frame)).response());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "null", "[1]", "{\"response\":1,\"isDisposed\":true}", "{\"response\":[1,],\"id\":\"i\"}",
            "{\"response\":[1],\"id\":\"i\"} x", "{\"response\":[1],\"id\":\"i\""})
    void refusesWhatTheTreeReaderRefusesWithTheSameError(String text) {
        Throwable tree = catchThrowable(() -> codec.readResponse(text));
        Throwable kept = catchThrowable(() -> codec.readResponseKeepingBytes(JsonFrame.of(text)));

        assertThat(kept).isInstanceOf(MalformedFrameException.class).hasMessage(tree.getMessage());
    }

    @Test
    void aTreeAskedForAsBytesIsWrittenBackAndAValueKeptAsBytesWritesItsBytes() throws Exception {
        JsonNode tree = codec.readResponse("{\"response\":[{\"a\":1},2],\"id\":\"i\"}").response();

        RawJson raw = RawJson.in(codec.asRequested(tree, true));

        assertThat(raw.text()).isEqualTo("[{\"a\":1},2]");
        assertThat(raw.size()).isEqualTo(2);
        assertThat(new ObjectMapper().writeValueAsString(raw.asNode())).isEqualTo("[{\"a\":1},2]");
    }
}
