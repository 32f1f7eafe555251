package dev.consulmesh.transport.client;

import tools.jackson.databind.JsonNode;
import dev.consulmesh.failure.CallFailure;
import dev.consulmesh.failure.FailureKind;

/**
 * The node answered with an error: what its handler threw ({@code err}), or the "no matching message
 * handler" reply ({@link #isNoHandler()}).
 */
public class RemoteErrorException extends TransportException {

    private final JsonNode err;
    private final boolean noHandler;

    public RemoteErrorException(String node, JsonNode err, boolean noHandler) {
        super(node, node + " answered with an error: " + describe(err), null);
        this.err = err;
        this.noHandler = noHandler;
    }

    /** The {@code err} value as the node sent it. */
    public JsonNode err() {
        return err;
    }

    /** The message of the error, when it is Nest's {@code {"status":"error","message":...}} shape or a string. */
    public String remoteMessage() {
        return describe(err);
    }

    public boolean isNoHandler() {
        return noHandler;
    }

    /** "No handler" means the request reached no handler; any other error is the handler's answer. */
    @Override
    public CallFailure callFailure() {
        return new CallFailure(noHandler ? FailureKind.NOT_WRITTEN : FailureKind.REMOTE_ERROR, CallFailure.Blame.ANSWER,
                remoteMessage());
    }

    private static String describe(JsonNode err) {
        if (err == null) {
            return "unknown error";
        }
        if (err.isString()) {
            return err.stringValue();
        }
        JsonNode message = err.get("message");
        return message != null && message.isString() ? message.stringValue() : err.toString();
    }
}
