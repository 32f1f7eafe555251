package dev.consulmesh.client.declarative;

import dev.consulmesh.transport.server.PatternField;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Maps a method of a {@link MeshService} interface to an event pattern (fire-and-forget): calling it
 * sends an event to one node of the service, like Nest's {@code client.emit(pattern, data)}, handled
 * there by {@code @EventPattern}. The method returns {@code Mono<Void>}, which completes once the event
 * is written to a node (nothing is sent until it is subscribed), or is {@code void}: sent at once, as
 * Nest's {@code emit} is, a failure to send it logged. It takes at most one parameter, the payload. The pattern is {@link #value()} or {@link #fields()}, as for {@link MessageExchange}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EventExchange {

    /** A string pattern, or the JSON text of an object pattern; may be a {@code ${property}} placeholder. */
    String value() default "";

    /** An object pattern with string values, key by key; empty when {@link #value()} declares the pattern. */
    PatternField[] fields() default {};
}
