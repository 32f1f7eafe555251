package dev.consulmesh.transport.wire;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The mesh's headers on the wire: Nest 12's {@code metadata} key, last, and absent when there are none. */
class PacketMetadataTest {

    private final PacketCodec codec = new PacketCodec(new ObjectMapper());
    private final JsonNodeFactory nodes = JsonNodeFactory.instance;

    @Test
    void withoutHeadersTheFramesAreNestsByteForByte() {
        assertThat(codec.write(new RequestPacket(nodes.stringNode("sum"), nodes.arrayNode().add(1), nodes.stringNode("abc"), Map.of())))
                .isEqualTo("{\"pattern\":\"sum\",\"data\":[1],\"id\":\"abc\"}");
        assertThat(codec.write(new EventPacket(nodes.stringNode("tick"), nodes.nullNode(), Map.of())))
                .isEqualTo("{\"pattern\":\"tick\",\"data\":null}");
    }

    @Test
    void headersGoLastAsMetadataAndComeBackInOrder() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        headers.put("timeout", "1500");
        String frame = codec.write(new RequestPacket(nodes.stringNode("sum"), nodes.numberNode(1), nodes.stringNode("abc"), headers));
        assertThat(frame).isEqualTo("{\"pattern\":\"sum\",\"data\":1,\"id\":\"abc\",\"metadata\":{\"traceparent\":"
                + "\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\",\"timeout\":\"1500\"}}");
        assertThat(((RequestPacket) codec.readInbound(frame)).headers()).containsExactlyEntriesOf(headers);
        String event = codec.write(new EventPacket(nodes.stringNode("tick"), nodes.nullNode(), headers));
        assertThat(((EventPacket) codec.readInbound(event)).headers()).containsExactlyEntriesOf(headers);
    }

    @Test
    void metadataThatIsNotAnObjectOfStringsIsIgnoredNotRefused() {
        assertThat(((RequestPacket) codec.readInbound("{\"pattern\":\"a\",\"data\":1,\"id\":\"x\",\"metadata\":[1,2]}")).headers()).isEmpty();
        assertThat(((RequestPacket) codec.readInbound("{\"pattern\":\"a\",\"data\":1,\"id\":\"x\",\"metadata\":{\"n\":1,\"s\":\"v\"}}"))
                .headers()).containsExactly(Map.entry("s", "v"));
        StringBuilder many = new StringBuilder("{\"pattern\":\"a\",\"data\":1,\"metadata\":{");
        for (int i = 0; i < 100; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }
        assertThat(((EventPacket) codec.readInbound(many.append("}}").toString())).headers()).hasSize(PacketCodec.MAX_HEADERS);
    }
}
