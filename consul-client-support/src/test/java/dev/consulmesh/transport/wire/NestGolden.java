package dev.consulmesh.transport.wire;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The golden frames captured from a real NestJS 12 peer ({@code src/test/nest-golden/capture.mjs}), read
 * from the test classpath: per case the bytes the Nest client sent, the bytes the Nest server answered
 * and what the Nest client made of them ({@code manifest.json}).
 */
public final class NestGolden {

    private static final String DIRECTORY = "/nest-golden/";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<Case> CASES = load();

    private NestGolden() {
    }

    /** One captured exchange. {@code toClient} is null for an event: the Nest server answered nothing. */
    public record Case(String name, String kind, JsonNode pattern, JsonNode data, JsonNode expectedOutcome,
                       byte[] toServer, byte[] toClient) {

        public boolean isRequest() {
            return "request".equals(kind);
        }

        /** The request id the Nest client generated; every answer frame of the case carries it. */
        public String goldenId() {
            return parse(frames(toServer).get(0)).get("id").stringValue();
        }

        /** True when the Nest client completed normally; otherwise it got an error. */
        public boolean completed() {
            return "completed".equals(expectedOutcome.get("result").stringValue());
        }

        /** The values the Nest client received, in order (only when {@link #completed()}). */
        public JsonNode expectedResponses() {
            return expectedOutcome.get("responses");
        }

        /** The error the Nest client received (only when it did not complete). */
        public JsonNode expectedError() {
            return expectedOutcome.get("error");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public static List<Case> cases() {
        return CASES;
    }

    public static List<Case> requests() {
        return CASES.stream().filter(Case::isRequest).toList();
    }

    public static Case named(String name) {
        return CASES.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no golden case " + name));
    }

    /**
     * Splits bytes into the JSON texts of their frames, independently of the code under test: the
     * text is decoded as UTF-8 and each prefix counts UTF-16 code units, which is what a Java
     * {@code String} indexes.
     */
    public static List<String> frames(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<String> frames = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int hash = text.indexOf('#', at);
            int length = Integer.parseInt(text.substring(at, hash));
            frames.add(text.substring(hash + 1, hash + 1 + length));
            at = hash + 1 + length;
        }
        return frames;
    }

    public static JsonNode parse(String json) {
        return MAPPER.readTree(json);
    }

    private static List<Case> load() {
        JsonNode manifest = parse(new String(resource("manifest.json"), StandardCharsets.UTF_8));
        List<Case> cases = new ArrayList<>();
        for (JsonNode entry : manifest) {
            JsonNode files = entry.get("files");
            cases.add(new Case(entry.get("case").stringValue(), entry.get("kind").stringValue(), entry.get("pattern"),
                    entry.get("data"), entry.get("expectedOutcome"), resource(files.get("toServer").stringValue()),
                    files.has("toClient") ? resource(files.get("toClient").stringValue()) : null));
        }
        return List.copyOf(cases);
    }

    private static byte[] resource(String file) {
        try (InputStream in = NestGolden.class.getResourceAsStream(DIRECTORY + file)) {
            if (in == null) {
                throw new IllegalStateException("golden file " + DIRECTORY + file + " is not on the test classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
