package dev.consulmesh.testsupport;

import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.transport.server.AnnotatedHandlers;
import dev.consulmesh.transport.server.HandlerRegistry;
import dev.consulmesh.transport.server.TcpServer;
import dev.consulmesh.transport.server.TcpServerProperties;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;

/**
 * A TCP node for tests: the mesh's own TCP server on a free loopback port serving the annotated
 * methods of the given handler objects, registered in a test Consul with a TCP check.
 */
public final class TestNode implements AutoCloseable {

    private final TcpServer server;
    private final TestConsul consul;
    private final String instanceId;

    private TestNode(TcpServer server, TestConsul consul, String instanceId) {
        this.server = server;
        this.consul = consul;
        this.instanceId = instanceId;
    }

    public static TestNode start(TestConsul consul, String service, Object... handlers) {
        return startWith(consul, service, "", handlers);
    }

    /**
     * As {@link #start}, with more fields of Consul's registration (JSON members, e.g.
     * {@code "Weights":{"Passing":3,"Warning":1},"Meta":{"zone":"a"}}).
     */
    public static TestNode startWith(TestConsul consul, String service, String registration, Object... handlers) {
        ObjectMapper mapper = new ObjectMapper();
        HandlerRegistry registry = new HandlerRegistry(new PatternRoute(mapper));
        for (Object handler : handlers) {
            AnnotatedHandlers.register(registry, handler, mapper);
        }
        TcpServerProperties properties = new TcpServerProperties();
        properties.setHost("127.0.0.1");
        properties.setPort(0);
        properties.setShutdownTimeout(java.time.Duration.ofSeconds(1));
        TcpServer server = new TcpServer(properties, registry, new PacketCodec(mapper));
        server.start();
        String id = service + "-test-" + server.port();
        consul.http().put("/v1/agent/service/register", """
                {"ID":"%s","Name":"%s","Address":"127.0.0.1","Port":%d,
                 "Check":{"TCP":"127.0.0.1:%d","Interval":"500ms","Timeout":"1s","Status":"passing"}%s}"""
                .formatted(id, service, server.port(), server.port(), registration.isEmpty() ? "" : "," + registration));
        return new TestNode(server, consul, id);
    }

    public String instanceId() {
        return instanceId;
    }

    public int port() {
        return server.port();
    }

    public TcpServer server() {
        return server;
    }

    @Override
    public void close() {
        try {
            consul.http().put("/v1/agent/service/deregister/" + instanceId, null);
        } finally {
            server.stop();
        }
    }
}
