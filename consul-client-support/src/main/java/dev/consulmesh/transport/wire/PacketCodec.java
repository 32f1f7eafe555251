package dev.consulmesh.transport.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Converts packets to and from the JSON text of one frame, with the key order NestJS writes
 * (response or err, isDisposed, id; the no-handler reply as id, status, err).
 */
public final class PacketCodec {

    private final ObjectMapper mapper;
    private final ObjectReader reader;

    public PacketCodec(ObjectMapper mapper) {
        this.mapper = mapper;
        // Like Nest's JSON.parse: the frame must hold one JSON value and nothing after it.
        this.reader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public JsonNodeFactory nodes() {
        return mapper.getNodeFactory();
    }

    /**
     * Reads a packet a server receives: a request when it has an {@code id}, otherwise an event. A
     * JSON {@code null} body counts as {@code {}}, as in Nest; a missing pattern or data is JSON null.
     */
    public Packet readInbound(String json) {
        JsonNode tree = parse(json);
        JsonNode pattern = orNull(tree.get("pattern"));
        JsonNode data = orNull(tree.get("data"));
        JsonNode id = tree.get("id");
        return id == null ? new EventPacket(pattern, data) : new RequestPacket(pattern, data, id);
    }

    /** Reads a packet a client receives: an answer to one of its requests. */
    public ResponsePacket readResponse(String json) {
        JsonNode tree = parse(json);
        JsonNode id = tree.get("id");
        if (id == null) {
            throw new MalformedFrameException("response packet has no id: " + abbreviate(json));
        }
        JsonNode status = tree.get("status");
        JsonNode disposed = tree.get("isDisposed");
        return new ResponsePacket(id, tree.get("response"), tree.get("err"),
                disposed != null && disposed.asBoolean(), status == null ? null : status.asText());
    }

    public String write(Packet packet) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator json = mapper.getFactory().createGenerator(out)) {
            json.writeStartObject();
            if (packet instanceof RequestPacket request) {
                json.writeObjectField("pattern", request.pattern());
                json.writeObjectField("data", request.data());
                json.writeObjectField("id", request.id());
            } else if (packet instanceof EventPacket event) {
                json.writeObjectField("pattern", event.pattern());
                json.writeObjectField("data", event.data());
            } else {
                writeResponse(json, (ResponsePacket) packet);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write packet " + packet, e);
        }
        return out.toString();
    }

    private static void writeResponse(JsonGenerator json, ResponsePacket response) throws IOException {
        if (response.status() != null) {
            json.writeObjectField("id", response.id());
            json.writeStringField("status", response.status());
            if (response.err() != null) {
                json.writeObjectField("err", response.err());
            }
            return;
        }
        if (response.err() != null) {
            json.writeObjectField("err", response.err());
        } else if (response.response() != null) {
            json.writeObjectField("response", response.response());
        }
        if (response.disposed()) {
            json.writeBooleanField("isDisposed", true);
        }
        json.writeObjectField("id", response.id());
    }

    private JsonNode parse(String json) {
        try {
            JsonNode tree = reader.readTree(json);
            if (tree == null || tree.isMissingNode()) {
                throw new MalformedFrameException("frame holds no JSON value: '" + abbreviate(json) + "'");
            }
            return tree.isNull() ? mapper.createObjectNode() : tree;
        } catch (JsonProcessingException e) {
            throw new MalformedFrameException("frame is not valid JSON (" + e.getOriginalMessage() + "): "
                    + abbreviate(json), e);
        }
    }

    private static JsonNode orNull(JsonNode node) {
        return node == null ? NullNode.getInstance() : node;
    }

    static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }
}
