package dev.consulmesh.transport.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as the request–response handler of a message pattern, like Nest's
 * {@code @MessagePattern}. The pattern is either {@link #value()}, a string pattern
 * ({@code "fetchLatestNews"}) or the JSON text of an object pattern, or {@link #fields()}, an object
 * pattern key by key: {@code @MessagePattern(fields = @PatternField(name = "cmd", value = "sum"))} routes
 * exactly as Nest's {@code { cmd: 'sum' }}. Declaring both, or neither, fails at start-up.
 *
 * <p>Parameters, each optional, in any order: the payload (the request's data, bound with the
 * application's Jackson mapper to the parameter's type; {@code JsonNode} takes it raw; annotated with
 * {@code jakarta.validation.Valid} it is validated, and an invalid payload is answered as a Nest
 * {@code ValidationPipe} answers: {@code {"status":"error","message":["limit must be ..."]}}) and a
 * {@link MessageContext}. Any other parameter fails at start-up.
 *
 * <p>The method returns a value, a {@code CompletionStage}, or a Reactive Streams {@code Publisher} (a
 * {@code Mono}, or a {@code Flux} whose values each become one response packet). Throw
 * {@link RpcException} for an error the caller should see.
 *
 * <p>It runs on the connection's I/O thread: a handler that blocks (JDBC, a blocking HTTP call,
 * {@code Thread.sleep}) stalls every other request of its connection, and of the other connections on
 * that thread, until it returns. Mark such a method {@link Blocking}, or return a future completed
 * elsewhere.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface MessagePattern {

    /** A string pattern, or the JSON text of an object pattern; empty when {@link #fields()} declare it. */
    String value() default "";

    /** An object pattern with string values, key by key; empty when {@link #value()} declares the pattern. */
    PatternField[] fields() default {};
}
