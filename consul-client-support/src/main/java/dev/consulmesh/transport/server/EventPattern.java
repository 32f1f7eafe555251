package dev.consulmesh.transport.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as a handler of an event pattern (fire-and-forget), like Nest's
 * {@code @EventPattern}. Pattern, parameters and threading as for {@link MessagePattern} (an event
 * handler that blocks without being marked {@link Blocking} stalls its connection too); the result is
 * ignored. Several methods may handle the same event; each is called.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EventPattern {

    /** A string pattern, or the JSON text of an object pattern; empty when {@link #fields()} declare it. */
    String value() default "";

    /** An object pattern with string values, key by key; empty when {@link #value()} declares the pattern. */
    PatternField[] fields() default {};
}
