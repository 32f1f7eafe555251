package dev.consulmesh.transport.wire;

import tools.jackson.core.JsonEncoding;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.core.util.ByteArrayBuilder;
import tools.jackson.databind.util.RawValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Converts packets to and from the JSON text of one frame, with the key order NestJS writes
 * (response or err, isDisposed, id; the no-handler reply as id, status, err). Requests and events may
 * carry the mesh's headers as {@code metadata} after Nest's keys (see {@link RequestPacket}).
 */
public final class PacketCodec {

    /**
     * The key of a request's or event's headers: Nest 12's own {@code metadata}, which a Nest client sets
     * in its dispatch hook and a Nest handler reads with {@code TcpContext.getMetadata()}; older Nest
     * versions ignore it like any unknown key.
     */
    static final String METADATA_KEY = "metadata";

    /** Headers read from one packet at most; trace context and a deadline need four. */
    static final int MAX_HEADERS = 16;

    private final ObjectMapper mapper;
    private final ObjectReader reader;
    /** Reads one member's value from a parser that goes on after it (the caller checks for trailing tokens). */
    private final ObjectReader memberReader;
    /** Writes UTF-8 as Nest does: a character outside the BMP as its 4 bytes, not as an escaped surrogate pair. */
    private final ObjectWriter writer;

    public PacketCodec(ObjectMapper mapper) {
        this.mapper = mapper;
        // Like Nest's JSON.parse: the frame must hold one JSON value and nothing after it.
        this.reader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.memberReader = mapper.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.writer = mapper.writer().with(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8);
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public JsonNodeFactory nodes() {
        return mapper.getNodeFactory();
    }

    /**
     * A handler's value ready to go into an answer packet: serialized once, straight from the object,
     * and written into the packet as it is (rather than built into a tree first and serialized from it).
     *
     * @throws IllegalArgumentException when Jackson cannot serialize the value, as {@code valueToTree} would
     */
    public JsonNode serialized(Object value) {
        return serializedText(serializedJson(value));
    }

    /**
     * The JSON text {@link #serialized} writes for a value, for a handler that keeps it to answer with
     * again (and hands it back through {@link #serializedText}).
     *
     * @throws IllegalArgumentException when Jackson cannot serialize the value
     */
    public String serializedJson(Object value) {
        try {
            // UTF-8 bytes first: Jackson's fastest way; the string of ASCII bytes is then a plain copy.
            return new String(writer.writeValueAsBytes(value), StandardCharsets.UTF_8);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    /** JSON text (one valid value, such as {@link #serializedJson} gives) that goes into an answer packet as it is. */
    public JsonNode serializedText(String json) {
        return nodes().rawValueNode(new RawValue(json));
    }

    /**
     * Reads a packet a server receives: a request when it has an {@code id}, otherwise an event. A
     * JSON {@code null} body counts as {@code {}}, as in Nest; a missing pattern or data is JSON null.
     */
    public Packet readInbound(String json) {
        return readInbound(JsonFrame.of(json));
    }

    /** Reads a packet a server receives, as {@link #readInbound(String)}, from the frame's bytes. */
    public Packet readInbound(JsonFrame json) {
        JsonNode tree = parse(json);
        JsonNode pattern = orNull(tree.get("pattern"));
        JsonNode data = orNull(tree.get("data"));
        JsonNode id = tree.get("id");
        Map<String, String> headers = headers(tree.get(METADATA_KEY));
        return id == null ? new EventPacket(pattern, data, headers) : new RequestPacket(pattern, data, id, headers);
    }

    /**
     * The string members of a packet's {@code metadata} object, at most {@value #MAX_HEADERS} of them;
     * anything else there (another type, more members) is ignored: a peer's headers are advice, never
     * a reason to refuse its packet.
     */
    private static Map<String, String> headers(JsonNode headers) {
        if (headers == null || !headers.isObject() || headers.isEmpty()) {
            return Map.of();
        }
        Map<String, String> strings = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> member : headers.properties()) {
            if (member.getValue().isString()) {
                strings.put(member.getKey(), member.getValue().asString());
                if (strings.size() == MAX_HEADERS) {
                    break;
                }
            }
        }
        return strings;
    }

    /** Reads a packet a client receives: an answer to one of its requests. */
    public ResponsePacket readResponse(String json) {
        return readResponse(JsonFrame.of(json));
    }

    /** Reads a packet a client receives, as {@link #readResponse(String)}, from the frame's bytes. */
    public ResponsePacket readResponse(JsonFrame json) {
        JsonNode tree = parse(json);
        JsonNode id = tree.get("id");
        if (id == null) {
            throw new MalformedFrameException("response packet has no id: " + abbreviate(json));
        }
        JsonNode status = tree.get("status");
        JsonNode disposed = tree.get("isDisposed");
        return new ResponsePacket(id, tree.get("response"), tree.get("err"),
                disposed != null && disposed.asBoolean(), status == null ? null : status.asString());
    }

    /**
     * Reads an answer as {@link #readResponse(JsonFrame)} does, but keeps its {@code response} value as the
     * bytes that came ({@link RawJson}, in a node {@link RawJson#in} takes it out of): the frame is checked
     * with Jackson's streaming parser, which notes where the value and an array's elements start and end,
     * and no tree of the value is built. A frame of any other shape, or one that is not valid JSON or
     * UTF-8, is read by {@link #readResponse(JsonFrame)}, with the same errors, its value then written
     * back to bytes.
     */
    public ResponsePacket readResponseKeepingBytes(JsonFrame json) {
        byte[] utf8 = json.utf8();
        try (JsonParser parser = memberReader.createParser(utf8)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return keepingBytes(readResponse(json));
            }
            JsonNode id = null;
            JsonNode err = null;
            JsonNode status = null;
            JsonNode disposed = null;
            RawJson response = null;
            int seen = 0;
            for (String name = parser.nextName(); name != null; name = parser.nextName()) {
                JsonToken token = parser.nextToken();
                int key = switch (name) {
                    case "response" -> 1;
                    case "id" -> 2;
                    case "err" -> 4;
                    case "status" -> 8;
                    case "isDisposed" -> 16;
                    default -> 0;
                };
                if ((seen & key) != 0) {
                    return keepingBytes(readResponse(json)); // a key given twice: the tree's rule (the last one) decides
                }
                seen |= key;
                switch (key) {
                    case 1 -> response = rawValue(parser, token, utf8);
                    case 2 -> id = memberReader.readTree(parser);
                    case 4 -> err = memberReader.readTree(parser);
                    case 8 -> status = memberReader.readTree(parser);
                    case 16 -> disposed = memberReader.readTree(parser);
                    default -> skipValue(parser, token);
                }
            }
            if (parser.nextToken() != null || id == null) {
                return keepingBytes(readResponse(json)); // trailing tokens, or no id: its error
            }
            return new ResponsePacket(id, response == null ? null : response.asNode(), err,
                    disposed != null && disposed.asBoolean(), status == null ? null : status.asString());
        } catch (JacksonException e) {
            return keepingBytes(readResponse(json));
        }
    }

    /** The value at the parser's current token as its bytes; an array's elements noted on the way. */
    private static RawJson rawValue(JsonParser parser, JsonToken token, byte[] utf8) {
        int start = (int) parser.currentTokenLocation().getByteOffset();
        if (token != JsonToken.START_ARRAY) {
            skipValue(parser, token);
            return new RawJson(utf8, start, (int) parser.currentLocation().getByteOffset(), null);
        }
        int[] elements = new int[32];
        int count = 0;
        for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY; element = parser.nextToken()) {
            if (count == elements.length) {
                elements = java.util.Arrays.copyOf(elements, 2 * count);
            }
            elements[count++] = (int) parser.currentTokenLocation().getByteOffset();
            skipValue(parser, element);
            elements[count++] = (int) parser.currentLocation().getByteOffset();
        }
        return new RawJson(utf8, start, (int) parser.currentLocation().getByteOffset(), java.util.Arrays.copyOf(elements, count));
    }

    /** Reads past the value at the current token, checking it, without keeping anything of it. */
    private static void skipValue(JsonParser parser, JsonToken token) {
        if (token.isStructStart()) {
            parser.skipChildren();
        } else {
            parser.finishToken();
        }
    }

    /** The answer with its value as bytes: for a frame read as a tree, the tree written back. */
    private ResponsePacket keepingBytes(ResponsePacket read) {
        if (read.response() == null) {
            return read;
        }
        return new ResponsePacket(read.id(), keptAsBytes(read.response()), read.err(), read.disposed(), read.status());
    }

    /**
     * An answer value as the caller asked for it: kept as bytes ({@link RawJson}) or as a tree, whichever
     * way the frame was read ({@code PendingRequests} reads a frame before it knows whose answer it is).
     */
    public JsonNode asRequested(JsonNode value, boolean keepBytes) {
        boolean raw = value instanceof tools.jackson.databind.node.POJONode pojo && pojo.getPojo() instanceof RawJson;
        if (raw == keepBytes) {
            return value;
        }
        return keepBytes ? keptAsBytes(value) : tree(RawJson.in(value));
    }

    private JsonNode keptAsBytes(JsonNode tree) {
        byte[] utf8 = writer.writeValueAsBytes(tree);
        try (JsonParser parser = reader.createParser(utf8)) {
            return rawValue(parser, parser.nextToken(), utf8).asNode();
        }
    }

    /** The tree of a value kept as bytes. */
    public JsonNode tree(RawJson raw) {
        return reader.readTree(raw.utf8(), raw.start(), raw.end() - raw.start());
    }

    /** The packet's JSON text (for logs and tests; the transport writes {@link #writeFrame}). */
    public String write(Packet packet) {
        return writeFrame(packet).text();
    }

    /** The packet's JSON text as UTF-8 bytes, written in one pass (Jackson's UTF-8 generator). */
    public JsonFrame writeFrame(Packet packet) {
        ByteArrayBuilder out = new ByteArrayBuilder(512);
        try (JsonGenerator json = writer.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            if (packet instanceof RequestPacket request) {
                json.writePOJOProperty("pattern", request.pattern());
                json.writePOJOProperty("data", request.data());
                json.writePOJOProperty("id", request.id());
                writeHeaders(json, request.headers());
            } else if (packet instanceof EventPacket event) {
                json.writePOJOProperty("pattern", event.pattern());
                json.writePOJOProperty("data", event.data());
                writeHeaders(json, event.headers());
            } else {
                writeResponse(json, (ResponsePacket) packet);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write packet " + packet, e);
        }
        return new JsonFrame(out.toByteArray());
    }

    /** After Nest's keys, and only when there are headers: without them the frame is Nest's, byte for byte. */
    private static void writeHeaders(JsonGenerator json, Map<String, String> headers) {
        if (headers.isEmpty()) {
            return;
        }
        json.writeObjectPropertyStart(METADATA_KEY);
        for (Map.Entry<String, String> header : headers.entrySet()) {
            json.writeStringProperty(header.getKey(), header.getValue());
        }
        json.writeEndObject();
    }

    private static void writeResponse(JsonGenerator json, ResponsePacket response) throws IOException {
        if (response.status() != null) {
            json.writePOJOProperty("id", response.id());
            json.writeStringProperty("status", response.status());
            if (response.err() != null) {
                json.writePOJOProperty("err", response.err());
            }
            return;
        }
        if (response.err() != null) {
            json.writePOJOProperty("err", response.err());
        } else if (response.response() != null) {
            json.writePOJOProperty("response", response.response());
        }
        if (response.disposed()) {
            json.writeBooleanProperty("isDisposed", true);
        }
        json.writePOJOProperty("id", response.id());
    }

    private JsonNode parse(JsonFrame json) {
        try {
            JsonNode tree = readTree(json);
            if (tree == null || tree.isMissingNode()) {
                throw new MalformedFrameException("frame holds no JSON value: '" + abbreviate(json) + "'");
            }
            return tree.isNull() ? mapper.createObjectNode() : tree;
        } catch (JacksonException e) {
            throw new MalformedFrameException("frame is not valid JSON (" + e.getOriginalMessage() + "): "
                    + abbreviate(json), e);
        } catch (IOException e) {
            // Reading bytes in memory fails only on what they hold, as above.
            throw new MalformedFrameException("frame cannot be read as JSON (" + e.getMessage() + "): " + abbreviate(json), e);
        }
    }

    /**
     * Parses the bytes as they are; bytes that are not valid UTF-8 are read, like Nest reads them, as
     * text with replacement characters (only then is a string made of them).
     */
    private JsonNode readTree(JsonFrame json) throws IOException {
        try {
            return reader.readTree(json.utf8());
        } catch (JacksonException e) {
            String text = json.text();
            if (java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), json.utf8())) {
                throw e;
            }
            return reader.readTree(text);
        }
    }

    private static JsonNode orNull(JsonNode node) {
        return node == null ? NullNode.getInstance() : node;
    }

    private static String abbreviate(JsonFrame frame) {
        byte[] utf8 = frame.utf8();
        // Decodes only the start: a frame may be megabytes long.
        return abbreviate(new String(utf8, 0, Math.min(utf8.length, 480), StandardCharsets.UTF_8));
    }

    static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }
}
