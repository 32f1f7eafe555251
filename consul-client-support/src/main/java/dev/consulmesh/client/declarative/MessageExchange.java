package dev.consulmesh.client.declarative;

import dev.consulmesh.transport.server.PatternField;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Maps a method of a {@link MeshService} interface to a request–response pattern: calling it sends a
 * request, like Nest's {@code client.send(pattern, data)}, and the node's handler
 * ({@code @MessagePattern} here, or Nest's) answers. The pattern is {@link #value()} or {@link #fields()},
 * written as on the handler; declaring both, or neither, fails at start-up.
 *
 * <p>The method takes at most one parameter, the payload, sent as JSON through the application's Jackson
 * mapper; no parameter sends {@code null} data. It returns one of:
 * <ul>
 *   <li>{@code Mono<T>} — the last value of the answer as {@code T} ({@code lastValueFrom} in Nest);
 *       empty when the handler returned nothing. {@code Mono<Void>} ignores the answer.</li>
 *   <li>{@code Flux<T>} — every value of the answer as {@code T}, each as soon as the node sends it (a
 *       handler returning a {@code Flux} or an Observable). Another node is tried only before the first
 *       value arrived.</li>
 *   <li>{@code CompletableFuture<T>} (or {@code CompletionStage<T>}) — as {@code Mono<T>}, completed
 *       with null when the handler returned nothing.</li>
 *   <li>{@code Mono<NodeAnswer<T>>} or {@code CompletableFuture<NodeAnswer<T>>} — the value with the
 *       node that gave it. The answer must hold a value here: an empty one is unusable.</li>
 * </ul>
 * Nothing is sent until the {@code Mono} or {@code Flux} is subscribed; a {@code CompletableFuture} is
 * sent at once.
 *
 * <p>An answer that does not fit {@code T} fails the call with an
 * {@link dev.consulmesh.failure.UnusableAnswerException} naming the service, pattern, node and type; it is
 * counted against that node (without ejecting nodes that all answer alike) and, for an idempotent pattern,
 * the call goes on to another node. Errors of the call are the {@code MeshClient}'s.
 *
 * <p>Several methods may share a pattern (a {@code Mono} and a {@code Flux} of the same answer) when they
 * agree on payload type, answer type and {@link #idempotent()}; otherwise start-up fails naming both.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface MessageExchange {

    /**
     * A string pattern ({@code "getOrder"}), or the JSON text of an object pattern; may be a
     * {@code ${property}} placeholder. Empty when {@link #fields()} declare the pattern.
     */
    String value() default "";

    /**
     * An object pattern with string values, key by key: {@code @PatternField(name = "cmd", value = "sum")}
     * is Nest's {@code { cmd: 'sum' }}. Empty when {@link #value()} declares the pattern.
     */
    PatternField[] fields() default {};

    /**
     * Whether the request may run twice without harm (a read): then a call whose attempt timed out or
     * whose connection closed after the request was written is made again on another node. Declares the
     * pattern idempotent for this service only, as {@code mesh.client.services.<service>.idempotent-patterns}
     * does. Leave false for anything that changes state.
     */
    boolean idempotent() default false;
}
