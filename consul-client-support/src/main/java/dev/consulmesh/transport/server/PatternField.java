package dev.consulmesh.transport.server;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One key of an object pattern with a string value: {@code @PatternField(name = "cmd", value = "sum")}
 * is the {@code cmd: 'sum'} of Nest's {@code @MessagePattern({ cmd: 'sum' })}. Only string values: a
 * pattern with numbers or nested objects is declared as its JSON text instead.
 */
@Target({})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PatternField {

    String name();

    String value();
}
