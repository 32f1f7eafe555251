package dev.consulmesh.transport.wire;

/**
 * The limits that bound what one peer can make a connection hold. Each has the name it carries in logs
 * and in the {@code limit} tag of the {@code mesh.tcp.limits} metric.
 */
public enum TransportLimit {

    /** A frame's length prefix is above the maximum: the connection is closed before its body is read. */
    MAX_FRAME_LENGTH("max-frame-length"),
    /** A frame was left incomplete for longer than the frame timeout: the connection is closed. */
    FRAME_TIMEOUT("frame-timeout"),
    /** Bytes that are not a frame, or a frame that is not one JSON value: the connection is closed. */
    MALFORMED_FRAME("malformed-frame"),
    /** Nothing read or written for the idle timeout and no request running: the server closes the connection. */
    IDLE_TIMEOUT("idle-timeout"),
    /** The server already holds its maximum of connections: a new one is closed at once. */
    MAX_CONNECTIONS("max-connections"),
    /** A connection has its maximum of requests running: the server stops reading it until they are answered. */
    MAX_PENDING_REQUESTS("max-pending-requests"),
    /** The peer does not read its answers: the server stops reading its requests until the answers drain. */
    UNREAD_ANSWERS("unread-answers"),
    /**
     * The server runs its maximum of blocking handler calls and its queue of waiting ones is full: the
     * request is answered with a "server busy" error at once (an event is dropped).
     */
    BLOCKING_QUEUE_FULL("blocking-queue-full");

    private final String tag;

    TransportLimit(String tag) {
        this.tag = tag;
    }

    /** The name in logs and metric tags, e.g. {@code max-frame-length}. */
    public String tag() {
        return tag;
    }
}
