package dev.consulmesh.warmup;

import dev.consulmesh.client.NodeClients;
import dev.consulmesh.discovery.ServiceNode;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.transport.client.TcpClient;
import dev.consulmesh.transport.server.AnnotatedHandlers;
import dev.consulmesh.transport.server.HandlerRegistry;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.server.TcpServer;
import dev.consulmesh.transport.server.TcpServerProperties;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The library's own path without the network and without any other service: a TCP server of its own on
 * 127.0.0.1 (an ephemeral port, one echo handler, never registered) and a client on the process's own
 * client I/O threads, driven through the same codec, server pipeline, dispatch and pending-request
 * bookkeeping as real calls, answers read both as trees and as kept bytes (as the gateway reads them).
 * Any process of the mesh runs it: a node warms its server side, a caller its client side.
 */
public final class LoopbackTransportWarmUp implements WarmUpStep {

    private static final Logger log = LoggerFactory.getLogger(LoopbackTransportWarmUp.class);
    static final String PATTERN = "mesh.warm-up.echo";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    private final PacketCodec codec;
    private final NodeClients clients;

    public LoopbackTransportWarmUp(PacketCodec codec, NodeClients clients) {
        this.codec = codec;
        this.clients = clients;
    }

    @Override
    public String name() {
        return "loopback-transport";
    }

    @Override
    public int callsIn(WarmUpProperties properties) {
        return properties.getLoopbackCalls();
    }

    @Override
    public StepResult run(WarmUpBudget budget) {
        if (budget.calls() == 0) {
            return StepResult.skipped("mesh.warm-up.loopback-calls is 0");
        }
        TcpServer server = new TcpServer(loopbackSettings(), echoHandlers(), codec, MeshMetrics.inMemory());
        // its start and stop lines are the server's own: say whose it is, so no one takes it for the service's
        log.info("warm-up: a TCP server and client of the warm-up's own on 127.0.0.1, stopped when it ends");
        server.start();
        try (TcpClient client = clients.withOptions(clients.options().withTls(null))
                .open(new ServiceNode("warm-up-loopback", "warm-up", "127.0.0.1", server.port(), Map.of()))) {
            JsonNode pattern = codec.mapper().getNodeFactory().stringNode(PATTERN);
            JsonNode query = query();
            AtomicLong turn = new AtomicLong();
            return budget.spend(() -> client.send(pattern, query, CALL_TIMEOUT, Map.of(), turn.getAndIncrement() % 2 == 0));
        } finally {
            server.stop();
        }
    }

    private static TcpServerProperties loopbackSettings() {
        TcpServerProperties settings = new TcpServerProperties("mesh.warm-up.loopback");
        settings.setHost("127.0.0.1");
        settings.setPort(0);
        settings.setShutdownTimeout(Duration.ofSeconds(1));
        return settings;
    }

    private HandlerRegistry echoHandlers() {
        HandlerRegistry handlers = new HandlerRegistry(new PatternRoute(codec.mapper()));
        AnnotatedHandlers.register(handlers, new Echo(answer()), codec.mapper());
        return handlers;
    }

    /** A query shaped like a page request: a few fields, a number, a cursor. */
    private JsonNode query() {
        ObjectNode query = codec.mapper().createObjectNode();
        query.put("limit", 20);
        query.put("latestTime", 1_700_000_000_000L);
        query.put("beforeId", "0123456789abcdef");
        return query;
    }

    /** An answer shaped like a page: twenty objects of strings and a number. */
    private ArrayNode answer() {
        ArrayNode items = codec.mapper().createArrayNode();
        for (int i = 0; i < 20; i++) {
            ObjectNode item = items.addObject();
            item.put("id", Integer.toHexString(0x10000 + i));
            item.put("title", "warm-up item " + i + " with a title of ordinary length");
            item.put("summary", "a summary that is longer than the title, as answers usually have, for the codec");
            item.put("url", "https://example.invalid/items/" + i);
            item.put("publishedAt", 1_700_000_000_000L - i * 60_000L);
        }
        return items;
    }

    /** The echo handler: answers every query with the same page. */
    static final class Echo {

        private final ArrayNode page;

        Echo(ArrayNode page) {
            this.page = page;
        }

        @MessagePattern(PATTERN)
        ArrayNode answer(JsonNode query) {
            return page;
        }
    }
}
