package dev.consulmesh.gateway.news;

import dev.consulmesh.transport.wire.RawJson;
import dev.consulmesh.transport.wire.RawJsonArray;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;

/**
 * The HTTP body of a page, {@code {"items":[...],"next":{"latestTime":..,"beforeId":..}}}, written from a
 * node's answer as the bytes it sent: the page's items are copied as they came, and only the last one
 * is read, for the cursor of the next page. No tree of the answer is built.
 */
@Component
public final class NewsPageWriter {

    private static final byte[] ITEMS = "{\"items\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEXT = "],\"next\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "]}".getBytes(StandardCharsets.US_ASCII);

    private final ObjectMapper mapper;

    public NewsPageWriter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * @param answer the node's answer to a request for {@code asked} items
     * @param limit  the page's size: a node that gave more than that has another page after this one
     */
    public byte[] write(RawJsonArray answer, int limit, int asked) {
        RawJson items = answer.json();
        int kept = Math.min(items.size(), limit);
        boolean more = items.size() > limit || (asked == limit && items.size() == limit);
        byte[] next = more && kept > 0 ? next(items, kept - 1) : null;
        int from = kept == 0 ? 0 : items.elementStart(0);
        int to = kept == 0 ? 0 : items.elementEnd(kept - 1);
        byte[] body = new byte[ITEMS.length + (to - from) + (next == null ? END.length : NEXT.length + next.length + 1)];
        System.arraycopy(ITEMS, 0, body, 0, ITEMS.length);
        // The elements as the node wrote them, with what stood between them (a comma, whitespace at most).
        System.arraycopy(items.utf8(), from, body, ITEMS.length, to - from);
        int at = ITEMS.length + (to - from);
        if (next == null) {
            System.arraycopy(END, 0, body, at, END.length);
        } else {
            System.arraycopy(NEXT, 0, body, at, NEXT.length);
            System.arraycopy(next, 0, body, at + NEXT.length, next.length);
            body[body.length - 1] = '}';
        }
        return body;
    }

    /** The cursor after item {@code last}: its publishedAt and id, read from that one item alone. */
    private byte[] next(RawJson items, int last) {
        JsonNode item = mapper.readTree(items.utf8(), items.elementStart(last), items.elementEnd(last) - items.elementStart(last));
        return mapper.writeValueAsBytes(mapper.createObjectNode()
                .put("latestTime", item.path("publishedAt").asLong())
                .put("beforeId", item.path("id").asString()));
    }
}
