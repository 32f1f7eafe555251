package dev.consulmesh.balancing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.consulmesh.discovery.HealthyNodes;
import dev.consulmesh.discovery.HealthyNodesWatcher;
import dev.consulmesh.discovery.ServiceDiscovery;
import dev.consulmesh.discovery.ServiceNode;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Calls services by name, like Nest's {@code ClientProxy} but across every healthy node of the
 * service: each call takes the current healthy set from discovery (without waiting for Consul when a
 * set is known), picks a node with the service's balancer, and uses that node's persistent client.
 */
public final class MeshClient implements AutoCloseable {

    private final ServiceDiscovery discovery;
    private final NodeClients clients;
    private final ObjectMapper mapper;
    private final Supplier<LoadBalancer> balancers;
    private final Map<String, ServiceRoute> routes = new ConcurrentHashMap<>();

    public MeshClient(ServiceDiscovery discovery, NodeClients clients, ObjectMapper mapper, Supplier<LoadBalancer> balancers) {
        this.discovery = discovery;
        this.clients = clients;
        this.mapper = mapper;
        this.balancers = balancers;
    }

    /**
     * Sends a request to one healthy node of the service and gathers its answer.
     *
     * @param pattern a string, or any value Jackson turns into the JSON pattern
     * @param data    any value Jackson turns into JSON
     */
    public Mono<NodeReply> send(String service, Object pattern, Object data) {
        JsonNode patternNode = toJson(pattern);
        JsonNode dataNode = toJson(data);
        return chooseNode(service).flatMap(node -> clients.clientFor(node).send(patternNode, dataNode)
                .collectList()
                .map(values -> new NodeReply(node, values)));
    }

    /** Sends an event to one healthy node of the service; completes with that node once it is written. */
    public Mono<ServiceNode> emit(String service, Object pattern, Object data) {
        JsonNode patternNode = toJson(pattern);
        JsonNode dataNode = toJson(data);
        return chooseNode(service).flatMap(node -> clients.clientFor(node).emit(patternNode, dataNode).thenReturn(node));
    }

    private Mono<ServiceNode> chooseNode(String service) {
        ServiceRoute route = routes.computeIfAbsent(service, this::newRoute);
        HealthyNodes known = route.watcher().current();
        Mono<HealthyNodes> healthy = known != null ? Mono.just(known) : awaitFirstAnswer(route.watcher());
        return healthy.map(nodes -> {
            if (nodes.isEmpty()) {
                throw new NoHealthyNodeException(service, "Consul lists no passing instance");
            }
            return route.balancer().choose(nodes.nodes());
        });
    }

    /** First call to a service: start watching it, and retire clients of nodes that leave it. */
    private ServiceRoute newRoute(String service) {
        HealthyNodesWatcher watcher = discovery.watch(service);
        watcher.onChange(clients::retainOnly);
        return new ServiceRoute(watcher, balancers.get());
    }

    /** What every call to one service needs, found with one lookup. */
    private record ServiceRoute(HealthyNodesWatcher watcher, LoadBalancer balancer) {
    }

    private Mono<HealthyNodes> awaitFirstAnswer(HealthyNodesWatcher watcher) {
        Duration wait = discovery.properties().getFirstAnswerTimeout();
        return Mono.fromFuture(watcher.firstAnswer().copy())
                .timeout(wait, Mono.error(() -> new NoHealthyNodeException(watcher.service(),
                        "Consul has not answered within " + wait.toMillis() + " ms"
                                + (watcher.consulProblem() == null ? "" : ": " + watcher.consulProblem()))));
    }

    private JsonNode toJson(Object value) {
        if (value == null) {
            return mapper.getNodeFactory().nullNode();
        }
        if (value instanceof JsonNode node) {
            return node;
        }
        if (value instanceof String text) {
            return mapper.getNodeFactory().textNode(text);
        }
        return mapper.valueToTree(value);
    }

    public ServiceDiscovery discovery() {
        return discovery;
    }

    public NodeClients clients() {
        return clients;
    }

    @Override
    public void close() {
        clients.close();
    }
}
