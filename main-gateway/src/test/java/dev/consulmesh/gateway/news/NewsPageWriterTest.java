package dev.consulmesh.gateway.news;

import dev.consulmesh.transport.wire.JsonFrame;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.RawJson;
import dev.consulmesh.transport.wire.RawJsonArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The page written from a node's answer as bytes is, byte for byte, the page the gateway built from a tree of it. */
class NewsPageWriterTest {

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();
    private static final PacketCodec CODEC = new PacketCodec(MAPPER);
    private final NewsPageWriter writer = new NewsPageWriter(MAPPER);

    private static String items(int count) {
        ArrayNode items = MAPPER.createArrayNode();
        for (int i = 1; i <= count; i++) {
            items.addObject().put("id", "item" + i).put("title", "T\u00e9 \"" + i + "\" \uD83D\uDE00").put("summary", "s")
                    .put("url", "https://example.com/" + i).put("source", "src").put("publishedAt", 1_700_000_000_000L - 1000L * i);
        }
        return MAPPER.writeValueAsString(items);
    }

    private static RawJsonArray answer(String value) {
        return new RawJsonArray(RawJson.in(CODEC.readResponseKeepingBytes(JsonFrame.of("{\"response\":" + value + ",\"isDisposed\":true,\"id\":\"i\"}")).response()));
    }

    /** What the gateway wrote before (NewsController.toPage on a tree of the answer, serialized by Jackson). */
    private static String fromTree(JsonNode items, int limit, int asked) {
        ArrayNode pageItems = MAPPER.createArrayNode();
        for (int i = 0; i < Math.min(items.size(), limit); i++) {
            pageItems.add(items.get(i));
        }
        ObjectNode body = MAPPER.createObjectNode();
        body.set("items", pageItems);
        boolean more = items.size() > limit || (asked == limit && items.size() == limit);
        if (more && !pageItems.isEmpty()) {
            JsonNode last = pageItems.get(pageItems.size() - 1);
            body.putObject("next").put("latestTime", last.path("publishedAt").asLong()).put("beforeId", last.path("id").asString());
        }
        return MAPPER.writeValueAsString(body);
    }

    @ParameterizedTest
    @CsvSource({"21,20,21", "20,20,21", "0,20,21", "1,1,2", "2,1,2", "100,100,100", "99,100,100", "100,99,100", "5,3,4"})
    void writesThePageTheTreeGave(int answered, int limit, int asked) {
        String items = items(answered);

        String written = new String(writer.write(answer(items), limit, asked), StandardCharsets.UTF_8);

        assertThat(written).isEqualTo(fromTree(MAPPER.readTree(items), limit, asked));
    }

    @Test
    void anItemWithoutACursorGivesTheSameNextAsBefore() {
        String items = "[{\"id\":\"a\\\"b\",\"publishedAt\":5},{\"title\":\"no id\"},7]";
        for (int limit = 1; limit <= 3; limit++) {
            assertThat(new String(writer.write(answer(items), limit, limit + 1), StandardCharsets.UTF_8))
                    .isEqualTo(fromTree(MAPPER.readTree(items), limit, limit + 1));
        }
    }
}
