package dev.consulmesh.gateway.news;

/** A request parameter is missing, repeated or malformed; the message names it. */
public class BadRequestException extends RuntimeException {

    public BadRequestException(String message) {
        super(message);
    }
}
