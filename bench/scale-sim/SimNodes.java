import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.registration.ConsulRegistrar;
import dev.consulmesh.registration.ServiceRegistration;
import dev.consulmesh.transport.server.AnnotatedHandlers;
import dev.consulmesh.transport.server.HandlerRegistry;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.server.TcpServer;
import dev.consulmesh.transport.server.TcpServerProperties;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import tools.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulation's nodes, many in one JVM: each the project's own {@link TcpServer} (a port of its own,
 * all on one shared group of I/O threads) answering {@code read}, registered in Consul with a real TCP
 * check by the library's {@link ConsulRegistrar}.
 *
 * <pre>java -cp CP SimNodes CONSUL_HOST CONSUL_PORT SERVICE COUNT CHECK_INTERVAL_MS</pre>
 *
 * Prints {@code ready N} once Consul lists COUNT passing instances. Then reads commands, one a line:
 * {@code churn PER_MINUTE} replaces that many nodes a minute, evenly spread: the oldest node is killed
 * (its server closes, its registration stays: Consul's check finds it dead) and a new one starts;
 * {@code mark} starts counting requests afresh; {@code report} prints one JSON line: requests per node
 * since the mark for the nodes that lived through it, open connections per node, nodes killed and
 * started. End of input: churn stops, every node deregisters and stops.
 */
public final class SimNodes {

    private final ConsulRegistrar registrar;
    private final String consulUrl;
    private final String service;
    private final Duration checkInterval;
    private final PacketCodec codec = new PacketCodec(new ObjectMapper());
    private final EventLoopGroup group = new NioEventLoopGroup(2, new DefaultThreadFactory("sim-node-io", true));
    private final List<Node> alive = new ArrayList<>();
    private final List<Node> killed = new ArrayList<>();
    private final ScheduledExecutorService churn = Executors.newSingleThreadScheduledExecutor();
    private ScheduledFuture<?> churning;
    private long started;
    private List<Node> marked = List.of();

    private record Node(String id, TcpServer server, Counter counter) {
    }

    public static final class Counter {
        final AtomicLong requests = new AtomicLong();
        volatile long atMark;

        @MessagePattern("read")
        public String read() {
            requests.incrementAndGet();
            return "news";
        }
    }

    private SimNodes(String host, int port, String service, Duration checkInterval) {
        this.registrar = new ConsulRegistrar(ConsulAgent.at(host, port));
        this.consulUrl = "http://" + host + ":" + port;
        this.service = service;
        this.checkInterval = checkInterval;
    }

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        SimNodes nodes = new SimNodes(args[0], Integer.parseInt(args[1]), args[2], Duration.ofMillis(Long.parseLong(args[4])));
        int count = Integer.parseInt(args[3]);
        for (int i = 0; i < count; i++) {
            nodes.startOne();
        }
        nodes.awaitPassing(count);
        System.out.println("ready " + count);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.strip().split("\\s+");
            switch (words[0]) {
                case "churn" -> nodes.churn(Integer.parseInt(words[1]));
                case "stop-churn" -> nodes.stopChurn();
                case "mark" -> nodes.mark();
                case "report" -> System.out.println(nodes.report());
                default -> { }
            }
            System.out.flush();
        }
        nodes.stopChurn();
        nodes.stopAll();
    }

    private synchronized void startOne() {
        TcpServerProperties properties = new TcpServerProperties("sim.tcp");
        properties.setHost("127.0.0.1");
        properties.setPort(0);
        properties.setShutdownTimeout(Duration.ZERO);
        HandlerRegistry handlers = new HandlerRegistry(new PatternRoute(codec.mapper()));
        Counter counter = new Counter();
        AnnotatedHandlers.register(handlers, counter, codec.mapper());
        TcpServer server = new TcpServer(properties, handlers, codec, group);
        server.start();
        int port = server.port();
        String id = String.format("%s-%06d", service, started++);
        registrar.register(new ServiceRegistration(id, service, "127.0.0.1", port,
                new ServiceRegistration.HealthCheck("127.0.0.1:" + port, null, checkInterval, Duration.ofSeconds(1),
                        Duration.ofMinutes(1), "TCP port 127.0.0.1:" + port, "a simulated node"), List.of("sim"), null));
        alive.add(new Node(id, server, counter));
    }

    /** Kills the oldest node without deregistering it, and starts a new one. */
    private synchronized void replaceOne() {
        Node oldest = alive.remove(0);
        oldest.server().stop();
        killed.add(oldest);
        startOne();
    }

    private synchronized void churn(int perMinute) {
        stopChurn();
        long every = 60_000_000L / perMinute;
        churning = churn.scheduleAtFixedRate(() -> {
            try {
                replaceOne();
            } catch (RuntimeException e) {
                System.err.println("churn: " + e);
            }
        }, every, every, TimeUnit.MICROSECONDS);
    }

    private synchronized void stopChurn() {
        if (churning != null) {
            churning.cancel(false);
            churning = null;
        }
    }

    private synchronized void mark() {
        for (Node node : alive) {
            node.counter().atMark = node.counter().requests.get();
        }
        marked = List.copyOf(alive);
    }

    private synchronized String report() {
        StringBuilder requests = new StringBuilder();
        for (Node node : marked) {
            if (alive.contains(node)) {
                requests.append(requests.isEmpty() ? "" : ",").append(node.counter().requests.get() - node.counter().atMark);
            }
        }
        StringBuilder connections = new StringBuilder();
        for (Node node : alive) {
            connections.append(connections.isEmpty() ? "" : ",").append(node.server().openConnections());
        }
        return "{\"requests_per_node\":[" + requests + "],\"connections_per_node\":[" + connections + "],\"killed\":"
                + killed.size() + ",\"started\":" + started + "}";
    }

    private void awaitPassing(int count) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            String body = http.send(HttpRequest.newBuilder(URI.create(consulUrl + "/v1/health/service/" + service + "?passing"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            int passing = body.split("\"ServiceID\"", -1).length - 1;
            if (passing >= count) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("Consul did not list " + count + " passing instances of " + service + " within 3 min");
    }

    private synchronized void stopAll() {
        for (Node node : alive) {
            node.server().stop();
            registrar.deregister(new ServiceRegistration(node.id(), service, "127.0.0.1", 1,
                    new ServiceRegistration.HealthCheck("127.0.0.1:1", null, checkInterval, Duration.ofSeconds(1),
                            Duration.ofMinutes(1), "TCP port 127.0.0.1:1", "a simulated node"), List.of(), null));
        }
        alive.clear();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
