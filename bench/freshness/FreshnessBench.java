import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Discovery freshness: how long after a node is taken out in Consul the gateway stops routing to it,
 * and how long after it is back in Consul the gateway routes to it again. Runs against a running mesh
 * (bench/run.sh or deploy/run-local.sh): a Consul agent, two or more push-service nodes, main-gateway.
 *
 * <p>Each trial takes one node out and puts it back, the nodes taking turns:
 * <ul>
 *   <li>{@code maintenance}: {@code PUT /v1/agent/service/maintenance/<id>?enable=true} (Consul adds a
 *       critical check to the instance), then {@code enable=false};</li>
 *   <li>{@code deregister}: {@code PUT /v1/agent/service/deregister/<id>}; the node's own registration
 *       keeper sees that Consul lost it and registers again, and Consul's TCP check then passes it.</li>
 * </ul>
 * t0 is taken right before the Consul call. Four observers, each on its own thread or file:
 * <ul>
 *   <li>the gateway's {@code /actuator/mesh}, polled by POLLERS threads, each pausing POLL_PAUSE_MS between
 *       its polls (so that polling does not take the CPU that Consul and the gateway need): the node is in rotation
 *       when the gateway lists it for the service in state healthy. A poll that shows the change bounds it
 *       from above (the end of that poll), one that does not from below (its start): the reported time is
 *       the upper bound, the resolution is the gap between the bounds;</li>
 *   <li>the gateway's own log line for the change (its pool dropping the node, its watcher routing to it
 *       again), with the logger's millisecond timestamp: when the pool changed, inside the gateway;</li>
 *   <li>a blocking query of ours on {@code /v1/health/service/<name>}, the same query the gateway runs:
 *       when Consul's answer carried the change, so Consul's share can be told from the gateway's;</li>
 *   <li>requests through the gateway, one at a time, one every TRAFFIC_PERIOD_MS: the last one sent after
 *       t0 that the node answered ({@code X-Push-Node}), and whether any was sent after the gateway showed it out.</li>
 * </ul>
 * Prints one JSON line per trial (times in ms from the Consul call) and a summary line on stderr; exits 1
 * when a trial failed.
 *
 * <pre>java -cp 'libs/*:classes' FreshnessBench CONSUL_URL GATEWAY_URL MANAGEMENT_URL GATEWAY_LOG SERVICE REQUEST_PATH
 *     MAINTENANCE_TRIALS DEREGISTER_TRIALS [POLLERS (2)] [POLL_PAUSE_MS (2)] [TRAFFIC_PERIOD_MS (5)]</pre>
 */
public final class FreshnessBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PHASE_LIMIT = Duration.ofSeconds(30);

  private final String consul;
  private final String gateway;
  private final String request;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ConsulWatch consulWatch;
  private final Pollers pollers;
  private final GatewayLog gatewayLog;
  private final Traffic traffic;

  private FreshnessBench(String[] args) throws IOException {
    consul = args[0];
    gateway = args[1];
    String management = args[2];
    gatewayLog = new GatewayLog(args[3]);
    String service = args[4];
    request = args[5];
    int pollerCount = args.length > 8 ? Integer.parseInt(args[8]) : 2;
    long pollPause = args.length > 9 ? Long.parseLong(args[9]) : 2;
    long trafficPeriod = args.length > 10 ? Long.parseLong(args[10]) : 5;
    consulWatch = new ConsulWatch(consul, service);
    pollers = new Pollers(management + "/actuator/mesh", service, pollerCount, pollPause);
    traffic = new Traffic(gateway + request, trafficPeriod);
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 8) {
      System.err.println("usage: FreshnessBench CONSUL_URL GATEWAY_URL MANAGEMENT_URL GATEWAY_LOG SERVICE REQUEST_PATH"
          + " MAINTENANCE_TRIALS DEREGISTER_TRIALS [POLLERS] [POLL_PAUSE_MS] [TRAFFIC_PERIOD_MS]");
      System.exit(2);
    }
    FreshnessBench bench = new FreshnessBench(args);
    System.exit(bench.run(Integer.parseInt(args[6]), Integer.parseInt(args[7])));
  }

  private int run(int maintenanceTrials, int deregisterTrials) throws Exception {
    get(gateway + request); // the gateway starts watching the service on its first call
    consulWatch.start();
    List<String> nodes = passingNodes();
    pollers.start();
    traffic.start();
    Thread.sleep(2000); // the pollers' and the management endpoint's code paths warm up before the first trial
    int total = maintenanceTrials + deregisterTrials;
    int failed = 0;
    for (int trial = 1; trial <= total; trial++) {
      // The deregistrations spread evenly among the maintenance trials.
      boolean deregistration = (long) trial * deregisterTrials / total != (long) (trial - 1) * deregisterTrials / total;
      String node = nodes.get(trial % nodes.size());
      waitUntil("every node back in the gateway's rotation before trial " + trial, () -> pollers.allIn(nodes));
      Thread.sleep(200 + ThreadLocalRandom.current().nextInt(300)); // no fixed phase against Consul's timers
      ObjectNode result = deregistration ? deregisterTrial(trial, node) : maintenanceTrial(trial, node);
      System.out.println(result);
      System.out.flush();
      if (result.has("error")) {
        failed++;
        System.err.println("freshness: trial " + trial + ": " + result.get("error").asString());
      }
    }
    traffic.stop();
    pollers.stop();
    consulWatch.stop();
    System.err.printf("freshness: %d trial(s), %d failed; %d polls of the gateway; %d requests through it, %d failed%n",
        total, failed, pollers.count(), traffic.requests, traffic.failures);
    return failed == 0 ? 0 : 1;
  }

  private ObjectNode maintenanceTrial(int trial, String node) throws Exception {
    ObjectNode result = JSON.createObjectNode().put("trial", trial).put("mode", "maintenance").put("node", node);
    String path = "/v1/agent/service/maintenance/" + encode(node);
    long t0 = System.nanoTime();
    traffic.mark(t0);
    put(path + "?enable=true&reason=" + encode("bench/freshness trial " + trial));
    result.put("consul_call_ms", millis(System.nanoTime() - t0));
    observeOut(result, node, t0);
    long t1 = System.nanoTime();
    put(path + "?enable=false");
    observeIn(result, node, t1);
    return result;
  }

  private ObjectNode deregisterTrial(int trial, String node) throws Exception {
    ObjectNode result = JSON.createObjectNode().put("trial", trial).put("mode", "deregister").put("node", node);
    long t0 = System.nanoTime();
    traffic.mark(t0);
    put("/v1/agent/service/deregister/" + encode(node));
    result.put("consul_call_ms", millis(System.nanoTime() - t0));
    observeOut(result, node, t0);
    // Back: from when Consul lists the instance again (the node registered itself; critical until its first check).
    long listedAgain = consulWatch.awaitFirst(node, t0, Objects::nonNull, PHASE_LIMIT);
    if (listedAgain < 0) {
      return result.put("error", "the node did not register again within " + PHASE_LIMIT.toSeconds() + " s");
    }
    result.put("registered_again_ms", millis(listedAgain - t0));
    observeIn(result, node, listedAgain);
    return result;
  }

  private void observeOut(ObjectNode result, String node, long t0) throws Exception {
    Pollers.Bracket seen = pollers.await(node, t0, false, PHASE_LIMIT);
    if (seen == null) {
      result.put("error", "the gateway still routes to the node " + PHASE_LIMIT.toSeconds() + " s later");
      return;
    }
    result.put("gateway_out_ms", millis(seen.upper() - t0));
    result.put("gateway_out_resolution_ms", millis(seen.upper() - seen.lower()));
    long consulAt = consulWatch.awaitFirst(node, t0, status -> !"passing".equals(status), Duration.ofSeconds(1));
    if (consulAt >= 0) {
      result.put("consul_out_ms", millis(consulAt - t0));
    }
    Long logged = gatewayLog.first(t0, line -> line.contains("node " + node + " (") && line.contains("left Consul's healthy set"));
    if (logged != null) {
      result.put("gateway_log_out_ms", millis(logged - t0));
    }
    Thread.sleep(3 * traffic.periodMillis + 50); // requests sent until now have answered
    Long lastRouted = traffic.lastSentTo(node, t0);
    if (lastRouted != null) {
      result.put("last_routed_ms", millis(lastRouted - t0));
    }
    result.put("routed_after_out", traffic.sentToAfter(node, seen.upper()));
  }

  private void observeIn(ObjectNode result, String node, long from) throws Exception {
    Pollers.Bracket seen = pollers.await(node, from, true, PHASE_LIMIT);
    if (seen == null) {
      result.put("error", "the gateway does not route to the node again " + PHASE_LIMIT.toSeconds() + " s later");
      return;
    }
    result.put("gateway_in_ms", millis(seen.upper() - from));
    result.put("gateway_in_resolution_ms", millis(seen.upper() - seen.lower()));
    long consulAt = consulWatch.awaitFirst(node, from, "passing"::equals, Duration.ofSeconds(1));
    if (consulAt >= 0) {
      result.put("consul_in_ms", millis(consulAt - from));
    }
    Long logged = gatewayLog.first(from, line -> line.contains("added [") && line.contains(node + "@"));
    if (logged != null) {
      result.put("gateway_log_in_ms", millis(logged - from));
    }
  }

  private List<String> passingNodes() throws Exception {
    List<String> nodes = new ArrayList<>();
    waitUntil("Consul listing two passing instances", () -> {
      nodes.clear();
      consulWatch.statuses().forEach((id, status) -> {
        if ("passing".equals(status)) {
          nodes.add(id);
        }
      });
      return nodes.size() >= 2;
    });
    nodes.sort(String::compareTo);
    return List.copyOf(nodes);
  }

  private static void waitUntil(String what, BooleanSupplier condition) throws InterruptedException {
    long start = System.nanoTime();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - start > PHASE_LIMIT.toNanos()) {
        throw new IllegalStateException("not within " + PHASE_LIMIT.toSeconds() + " s: " + what);
      }
      Thread.sleep(10);
    }
  }

  private void put(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(consul + path))
        .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("PUT " + path + ": Consul answered " + response.statusCode() + " " + response.body());
    }
  }

  private JsonNode get(String url) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("GET " + url + ": " + response.statusCode());
    }
    return JSON.readTree(response.body());
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static double millis(long nanos) {
    return Math.round(nanos / 1e4) / 100.0;
  }

  /** System.nanoTime() of a wall-clock instant (log timestamps), on this machine's one clock. */
  private static long nanoTimeOf(Instant instant) {
    long nowNanos = System.nanoTime();
    long nowMillis = System.currentTimeMillis();
    return nowNanos + (instant.toEpochMilli() - nowMillis) * 1_000_000;
  }

  /**
   * Threads polling the gateway's {@code /actuator/mesh} back to back; each poll keeps when it was sent,
   * when it was answered, and which nodes were in rotation.
   */
  private static final class Pollers {
    record Sample(long sentAt, long answeredAt, Set<String> inRotation) {
    }

    /** The change happened after {@code lower} and before {@code upper}. */
    record Bracket(long lower, long upper) {
    }

    private final String url;
    private final String service;
    private final List<Thread> threads = new ArrayList<>();
    private final List<Sample> samples = new ArrayList<>();
    private final long pauseMillis;
    private volatile boolean running = true;
    private long count;

    Pollers(String url, String service, int threadCount, long pauseMillis) {
      this.url = url;
      this.service = service;
      this.pauseMillis = pauseMillis;
      for (int i = 0; i < threadCount; i++) {
        Thread thread = new Thread(this::poll, "mesh-poller-" + i);
        thread.setDaemon(true);
        threads.add(thread);
      }
    }

    void start() {
      threads.forEach(Thread::start);
    }

    void stop() throws InterruptedException {
      running = false;
      for (Thread thread : threads) {
        thread.join(5000);
      }
    }

    synchronized long count() {
      return count;
    }

    private void poll() {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest request = HttpRequest.newBuilder(URI.create(url)).build();
      while (running) {
        long sentAt = System.nanoTime();
        try {
          HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
          long answeredAt = System.nanoTime();
          Set<String> in = new java.util.HashSet<>();
          for (JsonNode node : JSON.readTree(response.body()).path("services").path(service).path("nodes")) {
            if ("healthy".equals(node.path("state").asString())) {
              in.add(node.path("instanceId").asString());
            }
          }
          add(new Sample(sentAt, answeredAt, Set.copyOf(in)));
          if (pauseMillis > 0) {
            Thread.sleep(pauseMillis);
          }
        } catch (IOException e) {
          try {
            Thread.sleep(10);
          } catch (InterruptedException interrupted) {
            return;
          }
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private synchronized void add(Sample sample) {
      count++;
      samples.add(sample);
      // Keep the last seconds only: trials look back no further than their own start.
      if (samples.size() > 20_000) {
        samples.subList(0, 10_000).clear();
      }
      notifyAll();
    }

    synchronized boolean allIn(List<String> nodes) {
      return !samples.isEmpty() && samples.get(samples.size() - 1).inRotation().containsAll(nodes);
    }

    /**
     * Waits for a poll answered after {@code from} showing the node in (or out of) rotation as wanted;
     * the bracket runs from the latest poll sent before it that still showed the other state (or from
     * {@code from}) to the end of the first poll that showed the change. Null when not within the limit.
     */
    synchronized Bracket await(String node, long from, boolean wanted, Duration limit) throws InterruptedException {
      long deadline = System.nanoTime() + limit.toNanos();
      while (true) {
        long upper = Long.MAX_VALUE;
        for (Sample sample : samples) {
          if (sample.answeredAt() > from && sample.sentAt() >= from && sample.inRotation().contains(node) == wanted) {
            upper = Math.min(upper, sample.answeredAt());
          }
        }
        if (upper != Long.MAX_VALUE) {
          long lower = from;
          for (Sample sample : samples) {
            if (sample.sentAt() >= from && sample.sentAt() < upper && sample.inRotation().contains(node) != wanted) {
              lower = Math.max(lower, sample.sentAt());
            }
          }
          return new Bracket(lower, upper);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  /** The gateway's log, read from where it ended when the bench started: lines with their timestamps. */
  private static final class GatewayLog {
    private final RandomAccessFile file;
    private final List<String> lines = new ArrayList<>();

    GatewayLog(String path) throws IOException {
      this.file = new RandomAccessFile(path, "r");
      file.seek(file.length());
    }

    /** When the first line logged after {@code from} that matches was logged (nanoTime); null if none yet. */
    Long first(long from, Predicate<String> matches) throws IOException {
      String line;
      while ((line = file.readLine()) != null) {
        lines.add(new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
      }
      // Logback's timestamp has milliseconds: a line logged in the same millisecond as from counts.
      long fromMillisFloor = from - 1_000_000;
      for (String logged : lines) {
        int space = logged.indexOf(' ');
        if (space < 20 || !matches.test(logged)) {
          continue;
        }
        try {
          long at = nanoTimeOf(Instant.parse(logged.substring(0, space)));
          if (at >= fromMillisFloor) {
            return at;
          }
        } catch (java.time.format.DateTimeParseException notATimestamp) {
          // a continuation line (stack trace)
        }
      }
      return null;
    }
  }

  /**
   * Our own blocking queries on the health endpoint, as the gateway runs them (passing or not, from the
   * last index): each instance's worst check (passing, warning, critical; null when not listed) and, for
   * every change, when the answer carrying it arrived.
   */
  private static final class ConsulWatch implements Runnable {
    record Change(long at, String node, String status) {
    }

    private final String url;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Thread thread = new Thread(this, "consul-watch");
    private final List<Change> changes = new ArrayList<>();
    private volatile Map<String, String> statuses = Map.of();
    private volatile boolean running = true;

    ConsulWatch(String consul, String service) {
      this.url = consul + "/v1/health/service/" + encode(service) + "?wait=30s&index=";
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    void stop() {
      running = false;
      thread.interrupt();
    }

    Map<String, String> statuses() {
      return statuses;
    }

    @Override
    public void run() {
      long index = 0;
      while (running) {
        try {
          HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url + index))
              .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
          long at = System.nanoTime();
          long answered = response.headers().firstValueAsLong("X-Consul-Index").orElse(0);
          index = answered < index ? 0 : answered;
          Map<String, String> now = new HashMap<>();
          for (JsonNode entry : JSON.readTree(response.body())) {
            String worst = "passing";
            for (JsonNode check : entry.path("Checks")) {
              String status = check.path("Status").asString();
              if ("critical".equals(status) || ("warning".equals(status) && "passing".equals(worst))) {
                worst = status;
              }
            }
            now.put(entry.path("Service").path("ID").asString(), worst);
          }
          record(at, now);
        } catch (IOException e) {
          try {
            Thread.sleep(100);
          } catch (InterruptedException interrupted) {
            return;
          }
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private synchronized void record(long at, Map<String, String> now) {
      Map<String, String> before = statuses;
      java.util.Set<String> ids = new java.util.HashSet<>(before.keySet());
      ids.addAll(now.keySet());
      for (String node : ids) {
        if (!Objects.equals(now.get(node), before.get(node))) {
          changes.add(new Change(at, node, now.get(node)));
        }
      }
      statuses = Map.copyOf(now);
      notifyAll();
    }

    /** When, after {@code from}, Consul's answer first gave the node a status that matches; -1 if not within the limit. */
    synchronized long awaitFirst(String node, long from, Predicate<String> status, Duration limit) throws InterruptedException {
      long deadline = System.nanoTime() + limit.toNanos();
      while (true) {
        for (Change change : changes) {
          if (change.at() >= from && change.node().equals(node) && status.test(change.status())) {
            return change.at();
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return -1;
        }
        wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  /** Requests through the gateway, one at a time, one every period: who answered each, and when it was sent. */
  private static final class Traffic implements Runnable {
    record Sent(long at, String node) {
    }

    private final URI uri;
    private final long periodMillis;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Thread thread = new Thread(this, "gateway-traffic");
    private final List<Sent> sent = new ArrayList<>();
    private volatile boolean running = true;
    private long from;
    private long requests;
    private long failures;

    Traffic(String url, long periodMillis) {
      this.uri = URI.create(url);
      this.periodMillis = periodMillis;
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join(15_000);
    }

    /** A trial starts: keep what is sent from now on. */
    synchronized void mark(long at) {
      from = at;
      sent.clear();
    }

    @Override
    public void run() {
      long next = System.nanoTime();
      while (running) {
        long at = System.nanoTime();
        String node;
        try {
          HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.discarding());
          node = response.statusCode() == 200 ? response.headers().firstValue("X-Push-Node").orElse(null) : null;
        } catch (IOException e) {
          node = null;
        } catch (InterruptedException e) {
          return;
        }
        synchronized (this) {
          requests++;
          if (node == null) {
            failures++;
          } else if (at >= from) {
            sent.add(new Sent(at, node));
          }
        }
        next += periodMillis * 1_000_000;
        long pause = next - System.nanoTime();
        if (pause <= 0) {
          next = System.nanoTime();
          continue;
        }
        try {
          Thread.sleep(pause / 1_000_000, (int) (pause % 1_000_000));
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    /** When the last request the node answered was sent, among those sent after {@code since}; null if none. */
    synchronized Long lastSentTo(String node, long since) {
      Long last = null;
      for (Sent s : sent) {
        if (s.at() >= since && s.node().equals(node)) {
          last = s.at();
        }
      }
      return last;
    }

    /** Requests sent after {@code after} that the node answered: none, once it left the rotation. */
    synchronized int sentToAfter(String node, long after) {
      int count = 0;
      for (Sent s : sent) {
        if (s.at() > after && s.node().equals(node)) {
          count++;
        }
      }
      return count;
    }
  }
}
