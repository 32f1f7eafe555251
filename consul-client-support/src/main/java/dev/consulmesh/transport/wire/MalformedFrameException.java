package dev.consulmesh.transport.wire;

/** The peer sent bytes that are not a valid NestJS TCP frame or packet; its connection is closed. */
public class MalformedFrameException extends RuntimeException {

    public MalformedFrameException(String message) {
        super(message);
    }

    public MalformedFrameException(String message, Throwable cause) {
        super(message, cause);
    }
}
