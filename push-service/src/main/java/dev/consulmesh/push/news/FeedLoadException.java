package dev.consulmesh.push.news;

/** A news feed could not be read or parsed. The message names the feed's location and what failed. */
public class FeedLoadException extends RuntimeException {

    public FeedLoadException(String message) {
        super(message);
    }

    public FeedLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
