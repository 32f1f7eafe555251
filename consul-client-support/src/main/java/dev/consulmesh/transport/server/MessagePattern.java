package dev.consulmesh.transport.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as the request–response handler of a message pattern, like Nest's
 * {@code @MessagePattern}. The value is a string pattern ({@code "fetchLatestNews"}) or the JSON text of
 * an object pattern ({@code "{\"cmd\":\"sum\"}"}).
 *
 * <p>The method takes the request's data as its one parameter (bound with Jackson to the parameter's
 * type; {@code JsonNode} takes it raw) or no parameter, and returns a value, a
 * {@code CompletionStage}, or a Reactive Streams {@code Publisher} (a {@code Mono}, or a {@code Flux}
 * whose values each become one response packet). Throw {@link RpcException} for an error the caller
 * should see. It runs on the connection's I/O thread: a handler that blocks must return a future
 * completed elsewhere.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface MessagePattern {

    String value();
}
