import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.consulmesh.consul.ConsulAgent;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
  private final NewsPages pages;
  private final List<Node> nodes = new ArrayList<>();

  private record Node(TcpServer server, RegistrationKeeper keeper) {
  }

  private ScaleNodes(String[] args) throws Exception {
    registrar = new ConsulRegistrar(ConsulAgent.at(args[0], Integer.parseInt(args[1])));
    service = args[2];
    host = args[3];
    ObjectMapper mapper = new ObjectMapper();
    codec = new PacketCodec(mapper);
    pages = new NewsPages(mapper.readTree(Path.of(args[4]).toFile()));
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
    AnnotatedHandlers.register(handlers, new NewsHandler(pages), codec.mapper());
    TcpServer server = new TcpServer(properties, handlers, codec);
    server.start();
    int port = server.port();
    ServiceRegistration registration = new ServiceRegistration(ServiceRegistration.defaultInstanceId(service, host, port),
        service, host, port, new ServiceRegistration.HealthCheck(host + ":" + port, null, CHECK_INTERVAL,
        Duration.ofSeconds(1), Duration.ofMinutes(1)), List.of("bench-scale"), null);
    // Verifying the registration every 10 s instead of 2 s: sixteen keepers would otherwise query Consul 8 times a second.
    RegistrationKeeper keeper = new RegistrationKeeper(registrar, Duration.ofSeconds(10), Duration.ofMillis(500),
        Duration.ofSeconds(5), new SimpleMeterRegistry().counter("reregistrations"));
    keeper.start(registration);
    return new Node(server, keeper);
  }

  /** The node's one request pattern, with push-service's paging: newest first, strictly older than the cursor. */
  public static final class NewsHandler {
    private final NewsPages pages;

    NewsHandler(NewsPages pages) {
      this.pages = pages;
    }

    @MessagePattern("fetchLatestNews")
    public List<JsonNode> fetchLatestNews(JsonNode data) {
      long now = System.currentTimeMillis();
      if (data == null || data.isNull() || data.isMissingNode()) {
        return pages.page(now, null, 20);
      }
      if (data.isNumber() || data.isTextual()) {
        return pages.page(number(data, "latestTime", now), null, 20);
      }
      JsonNode beforeId = data.path("beforeId");
      if (!beforeId.isMissingNode() && !beforeId.isNull() && !beforeId.isTextual()) {
        throw new RpcException("beforeId must be a string, got " + beforeId);
      }
      long limit = number(data.path("limit"), "limit", 20);
      if (limit < 1 || limit > 100) {
        throw new RpcException("limit must be an integer from 1 to 100, got " + limit);
      }
      return pages.page(number(data.path("latestTime"), "latestTime", now), beforeId.isTextual() ? beforeId.textValue() : null,
          (int) limit);
    }

    private static long number(JsonNode node, String field, long absent) {
      if (node.isMissingNode() || node.isNull()) {
        return absent;
      }
      if (node.canConvertToExactIntegral() && node.longValue() >= 0) {
        return node.longValue();
      }
      if (node.isTextual() && node.textValue().matches("[0-9]{1,18}")) {
        return Long.parseLong(node.textValue());
      }
      throw new RpcException(field + " must be a non-negative integer, got " + node);
    }
  }

  /** The items sorted newest first (greater id first within a millisecond), unique ids. */
  static final class NewsPages {
    private final List<JsonNode> items = new ArrayList<>();

    NewsPages(JsonNode array) {
      Set<String> seen = new HashSet<>();
      for (JsonNode item : array) {
        if (seen.add(item.path("id").asText())) {
          items.add(item);
        }
      }
      items.sort(Comparator.comparingLong((JsonNode item) -> item.path("publishedAt").asLong()).reversed()
          .thenComparing((JsonNode item) -> item.path("id").asText(), Comparator.reverseOrder()));
    }

    List<JsonNode> page(long latestTime, String beforeId, int limit) {
      int low = 0;
      int high = items.size();
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (isOlder(items.get(mid), latestTime, beforeId)) {
          high = mid;
        } else {
          low = mid + 1;
        }
      }
      return items.subList(low, Math.min(items.size(), low + limit));
    }

    private static boolean isOlder(JsonNode item, long latestTime, String beforeId) {
      long publishedAt = item.path("publishedAt").asLong();
      if (publishedAt != latestTime) {
        return publishedAt < latestTime;
      }
      return beforeId != null && item.path("id").asText().compareTo(beforeId) < 0;
    }
  }
}
