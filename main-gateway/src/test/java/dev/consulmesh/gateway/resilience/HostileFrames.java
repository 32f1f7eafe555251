package dev.consulmesh.gateway.resilience;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * What a hostile or broken peer sends a node, from a seeded {@link Random} so a run can be repeated:
 * well-formed frames whose packets have wrong types in every field (the node answers or ignores them and
 * keeps the connection), and frames that break the framing (the node closes the connection).
 */
final class HostileFrames {

    /** Values of every JSON type, and some that stress a parser or a handler binding them. */
    private static final List<String> VALUES = List.of(
            "null", "true", "false", "0", "-1", "1e308", "-1e-308", "12345678901234567890123", "0.5", "\"\"",
            "\"fetchLatestNews\"", "\"é😀\\u0000\"", "\"\\ud800\"", "[]", "[1,\"a\",null]", "{}", "{\"a\":{\"b\":{\"c\":[]}}}",
            "{\"latestTime\":\"x\",\"limit\":-1,\"beforeId\":5}", "{\"latestTime\":-5,\"limit\":100000}",
            "{\"latestTime\":1e400,\"limit\":1.5,\"beforeId\":[\"a\"]}", "{\"limit\":{\"$gt\":1}}",
            "{\"cmd\":\"sum\",\"b\":{\"z\":1,\"a\":\"x\"}}", "\"" + "x".repeat(2000) + "\"",
            "[" + "[".repeat(40) + "]".repeat(40) + "]");
    private static final List<String> PATTERNS = List.of(
            "\"fetchLatestNews\"", "\"fetchNewsTask-unknown\"", "\"mesh.connectivity-probe\"", "\"1e3\"", "null", "42",
            "[\"fetchLatestNews\"]", "{\"cmd\":\"fetchLatestNews\"}", "{}", "\"\"", "\"{\\\"a\\\":1}\"", "true");

    private final Random random;

    HostileFrames(long seed) {
        this.random = new Random(seed);
    }

    /** A frame the node reads as one JSON object with odd contents: answered or ignored, the connection stays. */
    byte[] wellFramed() {
        StringBuilder json = new StringBuilder("{");
        if (random.nextInt(8) != 0) {
            json.append("\"pattern\":").append(pick(PATTERNS)).append(',');
        }
        json.append("\"data\":").append(pick(VALUES));
        switch (random.nextInt(4)) {
            case 0 -> { } // an event: no id
            case 1 -> json.append(",\"id\":\"").append(Long.toHexString(random.nextLong())).append('"');
            default -> json.append(",\"id\":").append(pick(VALUES));
        }
        if (random.nextInt(4) == 0) {
            json.append(",\"").append(Long.toHexString(random.nextLong())).append("\":").append(pick(VALUES));
        }
        return frame(json.append('}').toString());
    }

    /** A frame that breaks the framing or is no JSON object at all: the node closes that connection. */
    byte[] malformed() {
        return switch (random.nextInt(9)) {
            case 0 -> randomBytes(1 + random.nextInt(300));
            case 1 -> ascii("999999999999#{}");                                          // huge length
            case 2 -> ascii("-" + (1 + random.nextInt(100)) + "#{}");                    // negative length
            case 3 -> ascii(random.nextInt(1000) + "x" + "#".repeat(random.nextInt(2)));  // prefix that is no number, or no '#'
            case 4 -> frame("{\"pattern\":\"fetchLatestNews\",\"data\":" + "{".repeat(1 + random.nextInt(5)));
            case 5 -> frame(pick(VALUES) + " " + pick(VALUES));                           // two JSON values
            case 6 -> ascii("#".repeat(1 + random.nextInt(5)));
            case 7 -> ascii(" ".repeat(30) + "5#{}");                                     // prefix longer than any length
            default -> mutate(wellFramed());
        };
    }

    /** The start of a frame that never finishes: the frame timeout closes it. */
    byte[] halfFrame() {
        byte[] whole = frame("{\"pattern\":\"fetchLatestNews\",\"data\":{\"limit\":5},\"id\":\"half\"}");
        return java.util.Arrays.copyOf(whole, 1 + random.nextInt(whole.length - 1));
    }

    /** A valid request whose answer the peer may or may not read. */
    byte[] request(int limit) {
        return frame("{\"pattern\":\"fetchLatestNews\",\"data\":{\"limit\":" + limit + "},\"id\":\""
                + Long.toHexString(random.nextLong()) + "\"}");
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** Flips, inserts and deletes a few bytes of a frame: usually broken, sometimes still valid. */
    private byte[] mutate(byte[] frame) {
        byte[] bytes = frame.clone();
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private String pick(List<String> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** A frame as Nest writes it: the length in UTF-16 code units, '#', the text as UTF-8. */
    static byte[] frame(String json) {
        return (json.length() + "#" + json).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
