package dev.consulmesh.client;

import dev.consulmesh.balancing.LoadBalancer;

import java.util.function.Supplier;

/**
 * A balancer of the application's own for one service, declared as a bean: it picks that service's
 * nodes instead of {@code mesh.client.strategy}. Its supplier is asked once, when the service is first
 * called.
 *
 * <pre>{@code
 * @Bean
 * ServiceBalancer ordersBalancer() {
 *     return ServiceBalancer.of("orders", StickyBalancer::new);
 * }
 * }</pre>
 */
public record ServiceBalancer(String service, Supplier<LoadBalancer> balancer) {

    public static ServiceBalancer of(String service, Supplier<LoadBalancer> balancer) {
        ServiceSettings.requireValidName(service, "ServiceBalancer.of");
        return new ServiceBalancer(service, balancer);
    }
}
