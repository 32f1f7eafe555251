package dev.consulmesh.transport.server;

/**
 * An error a handler wants its caller to see, like Nest's {@code RpcException}. A message becomes
 * {@code {"status":"error","message":"..."}}; an object is sent as it is (serialised with Jackson).
 * Any other exception a handler throws is answered with Nest's generic "Internal server error".
 */
public class RpcException extends RuntimeException {

    private final transient Object error;

    public RpcException(String message) {
        super(message);
        this.error = null;
    }

    public RpcException(Object error) {
        super(String.valueOf(error));
        this.error = error;
    }

    /** The object to send as the error, or null when the error is the message alone. */
    public Object error() {
        return error;
    }
}
