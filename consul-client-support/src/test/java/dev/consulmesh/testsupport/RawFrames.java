package dev.consulmesh.testsupport;

import java.io.IOException;
import java.io.Reader;

/** Reads the transport's {@code <length>#<json>} frames off a plain socket, for tests that act as a raw peer. */
public final class RawFrames {

    private RawFrames() {
    }

    /** The next frame's JSON; the prefix counts UTF-16 code units, which is what a Reader reads. */
    public static String read(Reader in) throws IOException {
        StringBuilder prefix = new StringBuilder();
        for (int c = in.read(); c != '#'; c = in.read()) {
            if (c < 0) {
                throw new IOException("closed by the server before a whole frame");
            }
            prefix.append((char) c);
        }
        char[] json = new char[Integer.parseInt(prefix.toString())];
        for (int read = 0; read < json.length; ) {
            int n = in.read(json, read, json.length - read);
            if (n < 0) {
                throw new IOException("closed by the server inside a frame");
            }
            read += n;
        }
        return new String(json);
    }
}
