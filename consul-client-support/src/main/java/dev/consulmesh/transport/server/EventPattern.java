package dev.consulmesh.transport.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as a handler of an event pattern (fire-and-forget), like Nest's
 * {@code @EventPattern}. Parameters as for {@link MessagePattern}; the result is ignored. Several
 * methods may handle the same event; each is called.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EventPattern {

    String value();
}
