package dev.consulmesh.client.declarative;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface as the client of one service of the mesh, as Spring's {@code @HttpExchange} marks
 * an HTTP service client: each abstract method is a {@link MessageExchange} or an {@link EventExchange}
 * sent to a node of the service, through the application's {@code MeshClient} (its balancing, retries,
 * timeouts and per-service settings {@code mesh.client.services.<service>.*}).
 *
 * <pre>{@code
 * @MeshService("orders")
 * public interface Orders {
 *
 *     @MessageExchange(value = "getOrder", idempotent = true)
 *     Mono<Order> order(OrderId id);
 *
 *     @MessageExchange("listOrders")
 *     Flux<Order> orders(Customer customer);          // each value as the node sends it
 *
 *     @MessageExchange(fields = @PatternField(name = "cmd", value = "sum"))
 *     CompletableFuture<Integer> sum(List<Integer> numbers);
 *
 *     @EventExchange("orderPlaced")
 *     Mono<Void> placed(Order order);
 * }
 * }</pre>
 *
 * An application enables such interfaces with {@link EnableMeshClients} and injects them as beans.
 * A Nest service is called the same way: {@code client.send<Order>('getOrder', id)} there is
 * {@code orders.order(id)} here.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface MeshService {

    /**
     * The Consul name of the service ({@code "orders"}), or a {@code ${property}} placeholder resolved
     * from the application's Environment ({@code "${shop.orders.service}"}). Checked at start-up: letters,
     * digits, '-' and '_'.
     */
    String value();
}
