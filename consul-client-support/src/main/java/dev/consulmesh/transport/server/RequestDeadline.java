package dev.consulmesh.transport.server;

import dev.consulmesh.transport.wire.PacketHeaders;

import java.time.Duration;
import java.util.Map;

/**
 * When a request's caller stops waiting, from its {@code timeout} header (milliseconds left when the
 * packet was read). Without the header (a Nest peer, or a caller that does not send it) there is none.
 * A timeout of zero or less counts as already passed; one longer than the server's maximum is cut to it;
 * one that is not a whole number is ignored (the request is served as if it had none).
 */
record RequestDeadline(long atNanos, long timeoutMillis) {

    static final RequestDeadline NONE = new RequestDeadline(Long.MAX_VALUE, -1);

    static RequestDeadline of(Map<String, String> headers, long readAtNanos, Duration max) {
        String timeout = headers.get(PacketHeaders.TIMEOUT);
        if (timeout == null) {
            return NONE;
        }
        long millis;
        try {
            millis = Long.parseLong(timeout.trim());
        } catch (NumberFormatException e) {
            return NONE;
        }
        millis = Math.min(Math.max(millis, 0), max.toMillis());
        return new RequestDeadline(readAtNanos + millis * 1_000_000, millis);
    }

    boolean hasPassed() {
        return this != NONE && System.nanoTime() - atNanos >= 0;
    }
}
