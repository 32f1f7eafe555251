package dev.consulmesh.transport.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The JSON text of one frame as the UTF-8 bytes that arrived: {@link FrameDecoder} hands these on,
 * and {@link PacketCodec} parses them without first making a {@code String} of them.
 */
public final class JsonFrame {

    private final byte[] utf8;

    public JsonFrame(byte[] utf8) {
        this.utf8 = utf8;
    }

    public static JsonFrame of(String json) {
        return new JsonFrame(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The bytes themselves, not a copy: not to be changed. */
    public byte[] utf8() {
        return utf8;
    }

    public String text() {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof JsonFrame frame && Arrays.equals(utf8, frame.utf8);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(utf8);
    }

    @Override
    public String toString() {
        return text();
    }
}
