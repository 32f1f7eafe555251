package dev.consulmesh.client;

import dev.consulmesh.balancing.LoadBalancer;

import java.util.Map;
import java.util.function.Supplier;

/**
 * What the application gave for single services beyond settings: clients with the service's own TLS
 * ({@code mesh.client.services.<service>.tls}), and balancers of its own ({@link ServiceBalancer} beans).
 */
public record ServiceCustomizations(Map<String, NodeClients> clients, Map<String, Supplier<LoadBalancer>> balancers) {

    public ServiceCustomizations {
        clients = Map.copyOf(clients);
        balancers = Map.copyOf(balancers);
    }

    public static ServiceCustomizations none() {
        return new ServiceCustomizations(Map.of(), Map.of());
    }
}
