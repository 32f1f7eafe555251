package dev.consulmesh.push.news;

/**
 * The payload of a news query is not one push-service can answer. The message names the field and what was wrong
 * with it, so that it can be handed back to the caller as is.
 */
public class InvalidNewsQueryException extends RuntimeException {

    public InvalidNewsQueryException(String message) {
        super(message);
    }
}
