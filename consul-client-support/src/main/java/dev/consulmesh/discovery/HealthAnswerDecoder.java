package dev.consulmesh.discovery;

import dev.consulmesh.consul.internal.ConsulHealthApi;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpHeaders;
import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Consul's health answer (a JSON array of entries) and decodes only the entries it has not seen
 * in the previous answer: Consul answers a blocking query with the whole list, so a change of one
 * instance in a thousand would otherwise cost decoding a thousand. Each entry's bytes are found by a
 * scan of the array (strings and nesting followed, nothing else parsed) and known by two 64-bit hashes
 * and their length; an entry Consul lists unchanged has the same bytes (its ModifyIndex included), and
 * its earlier decoding is taken again. One instance per watcher, on its thread.
 */
final class HealthAnswerDecoder {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private record Key(long first, long second, int length) {
    }

    private Map<Key, ConsulHealthApi.Entry> known = Map.of();
    private int decodedLast;

    /**
     * @throws HttpMessageNotReadableException when the body is not a JSON array of objects
     */
    List<ConsulHealthApi.Entry> decode(byte[] body) {
        List<ConsulHealthApi.Entry> entries = new ArrayList<>();
        Map<Key, ConsulHealthApi.Entry> seen = new HashMap<>(Math.max(16, known.size() * 2));
        int decoded = 0;
        int depth = 0;
        boolean inString = false;
        boolean escaped = false;
        boolean array = false;
        int start = -1;
        for (int i = 0; i < body.length; i++) {
            byte b = body[i];
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                }
                continue;
            }
            switch (b) {
                case '"' -> {
                    if (depth <= 1) {
                        throw unreadable("a value that is not an entry", body);
                    }
                    inString = true;
                }
                case '[', '{' -> {
                    if (depth == 0) {
                        if (b != '[' || array) {
                            throw unreadable("not a JSON array", body);
                        }
                        array = true;
                    } else if (depth == 1) {
                        if (b != '{') {
                            throw unreadable("an element that is not an object", body);
                        }
                        start = i;
                    }
                    depth++;
                }
                case ']', '}' -> {
                    depth--;
                    if (depth < 0) {
                        throw unreadable("unbalanced brackets", body);
                    }
                    if (depth == 1) {
                        Key key = key(body, start, i + 1);
                        ConsulHealthApi.Entry entry = known.get(key);
                        if (entry == null) {
                            entry = read(body, start, i + 1 - start);
                            decoded++;
                        }
                        seen.put(key, entry);
                        entries.add(entry);
                    }
                }
                default -> {
                    if (isWhitespace(b) || depth > 1 || depth == 1 && b == ',') {
                        continue;
                    }
                    if (depth == 0 && !array) {
                        return nullOrUnreadable(body);
                    }
                    throw unreadable("a value that is not an entry", body);
                }
            }
        }
        if (depth != 0 || inString) {
            throw unreadable("it ends inside a value", body);
        }
        known = seen;
        decodedLast = decoded;
        return entries;
    }

    /** How many entries the last answer needed decoded (the others were known). */
    int decodedLast() {
        return decodedLast;
    }

    private static ConsulHealthApi.Entry read(byte[] body, int offset, int length) {
        try {
            return MAPPER.readValue(body, offset, length, ConsulHealthApi.Entry.class);
        } catch (JacksonException e) {
            throw new HttpMessageNotReadableException("an entry of Consul's health answer cannot be read: "
                    + e.getOriginalMessage(), e, message(body));
        }
    }

    /** {@code null} is an empty answer, as Jackson reads it; anything else at the top is not Consul's. */
    private List<ConsulHealthApi.Entry> nullOrUnreadable(byte[] body) {
        if (new String(body, java.nio.charset.StandardCharsets.UTF_8).strip().equals("null")) {
            known = Map.of();
            decodedLast = 0;
            return List.of();
        }
        throw unreadable("not a JSON array", body);
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    /** Two independent 64-bit hashes of the bytes, eight at a time. */
    private static Key key(byte[] body, int from, int to) {
        long first = 0x9E3779B97F4A7C15L;
        long second = 0xC2B2AE3D27D4EB4FL;
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long word = (long) WORDS.get(body, i);
            first = Long.rotateLeft(first ^ word, 29) * 0xBF58476D1CE4E5B9L;
            second = second * 31 + word;
        }
        for (; i < to; i++) {
            first = Long.rotateLeft(first ^ body[i], 29) * 0xBF58476D1CE4E5B9L;
            second = second * 31 + body[i];
        }
        return new Key(first, second, to - from);
    }

    private static HttpMessageNotReadableException unreadable(String why, byte[] body) {
        return new HttpMessageNotReadableException("Consul's health answer cannot be read: " + why, message(body));
    }

    private static HttpInputMessage message(byte[] body) {
        return new HttpInputMessage() {
            @Override
            public InputStream getBody() {
                return new ByteArrayInputStream(body);
            }

            @Override
            public HttpHeaders getHeaders() {
                return new HttpHeaders();
            }
        };
    }
}
