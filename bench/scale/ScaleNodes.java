import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.push.news.InvalidNewsQueryException;
import dev.consulmesh.push.news.NewsItem;
import dev.consulmesh.push.news.NewsQuery;
import dev.consulmesh.push.news.NewsSnapshot;
import dev.consulmesh.registration.ConsulRegistrar;
import dev.consulmesh.registration.RegistrationKeeper;
import dev.consulmesh.registration.ServiceRegistration;
import dev.consulmesh.transport.server.AnnotatedHandlers;
import dev.consulmesh.transport.server.HandlerRegistry;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.server.RpcException;
import dev.consulmesh.transport.server.TcpServer;
import dev.consulmesh.transport.server.TcpServerProperties;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Lightweight push-service nodes for the scale benchmark, many in one JVM: each is the project's own
 * {@link TcpServer} (a port of its own, picked by the system) serving {@code fetchLatestNews} from the
 * items the real nodes serve, registered in Consul as an instance of SERVICE with a TCP check by the
 * library's own {@link RegistrationKeeper}, as a real node registers.
 *
 * <p>Reads one number per line on standard input: the number of nodes to run from then on (more are
 * started, the newest ones deregistered and stopped), then prints {@code nodes N} once Consul accepted
 * every registration (their TCP checks pass within CHECK_INTERVAL). At the end of input, or on SIGTERM,
 * every node deregisters and stops.
 *
 * <pre>java -cp 'libs/*:classes' ScaleNodes CONSUL_HOST CONSUL_PORT SERVICE HOST ITEMS_JSON</pre>
 */
public final class ScaleNodes {

  private static final Duration CHECK_INTERVAL = Duration.ofSeconds(2);

  private final ConsulRegistrar registrar;
  private final String service;
  private final String host;
  private final PacketCodec codec;
  private final NewsSnapshot snapshot;
  private final List<Node> nodes = new ArrayList<>();

  private record Node(TcpServer server, RegistrationKeeper keeper) {
  }

  private ScaleNodes(String[] args) throws Exception {
    registrar = new ConsulRegistrar(ConsulAgent.at(args[0], Integer.parseInt(args[1])));
    service = args[2];
    host = args[3];
    ObjectMapper mapper = new ObjectMapper();
    codec = new PacketCodec(mapper);
    List<NewsItem> items = mapper.readValue(Path.of(args[4]).toFile(), new TypeReference<List<NewsItem>>() { });
    snapshot = NewsSnapshot.of(items, Instant.now());
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: ScaleNodes CONSUL_HOST CONSUL_PORT SERVICE HOST ITEMS_JSON");
      System.exit(2);
    }
    // No logback configuration on this class path: its default would log every Netty and HTTP client detail.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.INFO);
    ScaleNodes scale = new ScaleNodes(args);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> scale.resize(0), "scale-nodes-stop"));
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (!line.isBlank()) {
        scale.resize(Integer.parseInt(line.strip()));
        System.out.println("nodes " + scale.size());
        System.out.flush();
      }
    }
    scale.resize(0);
  }

  private synchronized int size() {
    return nodes.size();
  }

  private synchronized void resize(int wanted) {
    while (nodes.size() < wanted) {
      nodes.add(start());
    }
    while (nodes.size() > wanted) {
      Node node = nodes.remove(nodes.size() - 1);
      node.keeper().close(); // deregisters
      node.server().stop();
    }
  }

  private Node start() {
    TcpServerProperties properties = new TcpServerProperties("scale.tcp");
    properties.setHost(host);
    properties.setPort(0);
    properties.setShutdownTimeout(Duration.ofSeconds(1));
    HandlerRegistry handlers = new HandlerRegistry(new PatternRoute(codec.mapper()));
    AnnotatedHandlers.register(handlers, new NewsHandler(snapshot), codec.mapper());
    TcpServer server = new TcpServer(properties, handlers, codec);
    server.start();
    int port = server.port();
    ServiceRegistration registration = new ServiceRegistration(ServiceRegistration.defaultInstanceId(service, host, port),
        service, host, port, new ServiceRegistration.HealthCheck(host + ":" + port, null, CHECK_INTERVAL,
        Duration.ofSeconds(1), Duration.ofMinutes(1), "TCP port " + host + ":" + port, "a bench node"), List.of("bench-scale"), null);
    // Verifying the registration every 10 s instead of 2 s: sixteen keepers would otherwise query Consul 8 times a second.
    RegistrationKeeper keeper = new RegistrationKeeper(registrar, Duration.ofSeconds(10), Duration.ofMillis(500),
        Duration.ofSeconds(5), new SimpleMeterRegistry().counter("reregistrations"));
    keeper.start(registration);
    return new Node(server, keeper);
  }

  /** The node's one request pattern, answered by push-service's own query rules and paging. */
  public static final class NewsHandler {
    private final NewsSnapshot snapshot;

    NewsHandler(NewsSnapshot snapshot) {
      this.snapshot = snapshot;
    }

    @MessagePattern("fetchLatestNews")
    public List<NewsItem> fetchLatestNews(JsonNode data) {
      try {
        return snapshot.latest(NewsQuery.fromPayload(data, System.currentTimeMillis()));
      } catch (InvalidNewsQueryException e) {
        throw new RpcException(e.getMessage());
      }
    }
  }
}
