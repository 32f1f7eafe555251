package dev.consulmesh.transport.wire;

import java.util.Objects;

/**
 * The peer sent bytes that are not a valid NestJS TCP frame or packet, or a frame beyond a limit of the
 * transport; its connection is closed. {@link #limit()} tells which.
 */
public class MalformedFrameException extends RuntimeException {

    private final TransportLimit limit;

    public MalformedFrameException(String message) {
        this(TransportLimit.MALFORMED_FRAME, message);
    }

    public MalformedFrameException(String message, Throwable cause) {
        super(message, cause);
        this.limit = TransportLimit.MALFORMED_FRAME;
    }

    public MalformedFrameException(TransportLimit limit, String message) {
        super(message);
        this.limit = Objects.requireNonNull(limit, "limit");
    }

    /** Which limit the frame broke: {@link TransportLimit#MALFORMED_FRAME} for bytes that are no frame at all. */
    public TransportLimit limit() {
        return limit;
    }
}
