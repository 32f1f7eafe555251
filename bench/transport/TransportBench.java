import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;
import dev.consulmesh.transport.client.TcpClient;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.wire.PacketCodec;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.lang.management.ManagementFactory;
import java.util.Map;
import reactor.core.publisher.Flux;

/**
 * The TCP transport alone, our side: one {@link TcpClient} (one connection) to a push-service node, with
 * CONCURRENCY requests in flight at any time; bench/nest/transport-client.mjs does the same with Nest's
 * ClientProxy. Measured twice in one JVM, warmed up alike: answers read into trees (what Nest's client does:
 * JSON.parse of each answer), then kept as the bytes the node sent ({@code RawJson}: checked, not built
 * into a tree; what the gateway asks for). Prints one JSON line for each: requests, seconds, requests per
 * second, the client's CPU seconds.
 *
 * <pre>java -cp 'libs/*:classes' TransportBench HOST PORT REQUESTS CONCURRENCY LATEST_TIME</pre>
 */
public final class TransportBench {
  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int requests = Integer.parseInt(args[2]);
    int concurrency = Integer.parseInt(args[3]);
    PacketCodec codec = new PacketCodec(new ObjectMapper());
    JsonNode pattern = codec.nodes().stringNode("fetchLatestNews");
    ObjectNode data = codec.nodes().objectNode().put("latestTime", Long.parseLong(args[4])).put("limit", 21);
    EventLoopGroup group = new NioEventLoopGroup(1);
    try (TcpClient client = new TcpClient(host, port, TcpClientOptions.defaults(), group, codec)) {
      // Warm-up, discarded: at least a fifth of the requests in each mode and WARMUP_SECONDS (default 15), so the JIT has settled.
      long warmUntil = System.nanoTime() + Long.getLong("warmup.seconds", 15) * 1_000_000_000L;
      do {
        run(client, pattern, data, Math.max(1000, requests / 5), concurrency, false);
        run(client, pattern, data, Math.max(1000, requests / 5), concurrency, true);
      } while (System.nanoTime() < warmUntil);
      measure(client, pattern, data, requests, concurrency, false, "mesh TcpClient");
      measure(client, pattern, data, requests, concurrency, true, "mesh TcpClient, answers kept as bytes");
    } finally {
      group.shutdownGracefully().syncUninterruptibly();
    }
  }

  private static void measure(TcpClient client, JsonNode pattern, JsonNode data, int requests, int concurrency,
                              boolean keepBytes, String name) {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuBefore = os.getProcessCpuTime();
    long start = System.nanoTime();
    run(client, pattern, data, requests, concurrency, keepBytes);
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpu = (os.getProcessCpuTime() - cpuBefore) / 1e9;
    System.out.printf("{\"client\":\"%s\",\"requests\":%d,\"concurrency\":%d,\"seconds\":%.3f,"
        + "\"requests_per_second\":%.1f,\"client_cpu_seconds\":%.3f}%n", name, requests, concurrency, seconds, requests / seconds, cpu);
  }

  private static void run(TcpClient client, JsonNode pattern, JsonNode data, int requests, int concurrency, boolean keepBytes) {
    Flux.range(0, requests)
        .flatMap(i -> client.send(pattern, data, TcpClientOptions.defaults().requestTimeout(), Map.of(), keepBytes).last(), concurrency)
        .blockLast();
  }
}
