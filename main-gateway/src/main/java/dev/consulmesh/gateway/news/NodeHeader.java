package dev.consulmesh.gateway.news;

import java.nio.charset.StandardCharsets;

/**
 * The {@code X-Push-Node} answer header: the instance id of the node that answered, sent only when
 * {@code gateway.news.expose-node} is on (it tells every client how the mesh is laid out). The id is
 * written safe for a header whatever Consul held: every byte outside visible ASCII, and '%', as %XX of
 * its UTF-8, at most {@link #MAX_LENGTH} characters.
 */
final class NodeHeader {

    static final String NAME = "X-Push-Node";
    static final int MAX_LENGTH = 256;

    private NodeHeader() {
    }

    static String value(String instanceId) {
        boolean plain = instanceId.length() <= MAX_LENGTH;
        for (int i = 0; plain && i < instanceId.length(); i++) {
            char c = instanceId.charAt(i);
            plain = c > 0x20 && c < 0x7F && c != '%';
        }
        if (plain) {
            return instanceId; // the usual case: name-host-port
        }
        StringBuilder safe = new StringBuilder();
        for (byte b : instanceId.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            String next = c > 0x20 && c < 0x7F && c != '%' ? String.valueOf((char) c) : String.format("%%%02X", c);
            if (safe.length() + next.length() > MAX_LENGTH) {
                break;
            }
            safe.append(next);
        }
        return safe.toString();
    }
}
