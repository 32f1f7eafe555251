package dev.consulmesh.transport.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link MessagePattern} or {@link EventPattern} method that blocks (JDBC, a blocking HTTP call,
 * file I/O): it is called off the connection's I/O thread — on a virtual thread on JDK 21 and later, on
 * a bounded pool of platform threads before — so the connection's other requests are served meanwhile.
 *
 * <p>At most {@code <prefix>.blocking.max-concurrency} blocking calls run at once over the whole server
 * (prefix {@code mesh.tcp}, or the service's own such as {@code push.tcp}); further ones wait in a queue
 * of at most {@code <prefix>.blocking.max-queued}; a request beyond that is answered at once with
 * {@code {"status":"error","message":"server busy: ..."}} and counted as limit {@code blocking-queue-full}.
 * The bound covers the method call itself: a future or publisher it returns completes wherever it
 * completes.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Blocking {
}
