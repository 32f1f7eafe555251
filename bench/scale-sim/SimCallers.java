import dev.consulmesh.client.MeshClient;
import dev.consulmesh.client.MeshClientProperties;
import dev.consulmesh.client.NodeClients;
import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.discovery.DiscoveryProperties;
import dev.consulmesh.discovery.HealthyNodes;
import dev.consulmesh.discovery.HealthyNodesWatcher;
import dev.consulmesh.discovery.ServiceDiscovery;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.retry.IdempotentPatterns;
import dev.consulmesh.transport.client.IoThreads;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import tools.jackson.databind.ObjectMapper;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulation's callers, many in one JVM: each a {@link MeshClient} of its own (its own discovery,
 * blocking queries and pool; I/O threads shared), registered among the service's callers when it
 * subsets. Each sends {@code read} (idempotent) at a steady rate.
 *
 * <pre>java -cp CP SimCallers CONSUL_HOST CONSUL_PORT SERVICE CALLERS SUBSET_SIZE RATE_PER_CALLER WARMUP_S DURATION_S CONSUL_PID</pre>
 *
 * First measures the heap a known node costs in discovery (heap after a GC, before and after ten more
 * watchers of the service learn it). Then starts the callers, warms up, prints {@code steady} (the
 * script then starts the churn), measures for DURATION_S, prints one JSON line of figures and
 * {@code measured}, and keeps calling until its input ends (the script counts the nodes' connections
 * meanwhile).
 * Freshness: a watcher of its own (the observer) notes when each Consul index arrives; a caller's
 * freshness for that change is when its own watcher handed a set at least that new to its pool, after.
 */
public final class SimCallers {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String service = args[2];
        int callerCount = Integer.parseInt(args[3]);
        int subset = Integer.parseInt(args[4]);
        int rate = Integer.parseInt(args[5]);
        int warmup = Integer.parseInt(args[6]);
        int duration = Integer.parseInt(args[7]);
        long consulPid = Long.parseLong(args[8]);
        ConsulAgent agent = ConsulAgent.at(host, port);
        DiscoveryProperties discoveryProperties = new DiscoveryProperties();

        double bytesPerKnownNode = discoveryMemory(agent, discoveryProperties, service);

        Map<Long, Long> observedAt = new ConcurrentSkipListMap<>();
        ServiceDiscovery observerDiscovery = new ServiceDiscovery(agent, discoveryProperties);
        HealthyNodesWatcher observer = observerDiscovery.watch(service);
        observer.onChange(set -> observedAt.putIfAbsent(set.index(), System.nanoTime()));
        observer.firstAnswer().get(30, TimeUnit.SECONDS);

        NioEventLoopGroup io = new NioEventLoopGroup(2, new DefaultThreadFactory("sim-caller-io", true));
        List<Caller> callers = new ArrayList<>();
        for (int i = 0; i < callerCount; i++) {
            MeshClientProperties properties = new MeshClientProperties();
            properties.getSubset().setSize(subset);
            properties.getSubset().setCallerId(String.format("caller-%03d", i));
            ServiceDiscovery discovery = new ServiceDiscovery(agent, discoveryProperties);
            NodeClients clients = new NodeClients(properties.toOptions(), new PacketCodec(MAPPER), MeshMetrics.inMemory(),
                    IoThreads.shared(io, NioSocketChannel.class));
            MeshClient mesh = MeshClient.builder(discovery, clients, MAPPER, properties,
                    new IdempotentPatterns(new PatternRoute(MAPPER), List.of("read")), MeshMetrics.inMemory()).build();
            mesh.prepare(service);
            Caller caller = new Caller(mesh, discovery);
            discovery.watchers().get(service).onChange(set -> caller.saw(set));
            callers.add(caller);
        }
        ScheduledExecutorService traffic = Executors.newScheduledThreadPool(2);
        int perTick = Math.max(1, rate / 20);
        traffic.scheduleAtFixedRate(() -> {
            for (Caller caller : callers) {
                for (int i = 0; i < perTick; i++) {
                    caller.calls.incrementAndGet();
                    caller.mesh.send(service, "read", null).subscribe(ok -> { }, failure -> {
                        if (caller.failed.incrementAndGet() <= 3) {
                            System.err.println("failed call: " + failure);
                        }
                    });
                }
            }
        }, 50, 50, TimeUnit.MILLISECONDS);
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));

        // the measured window
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] cpuBefore = callers.stream().mapToLong(c -> c.cpu(threads)).toArray();
        int[] changesBefore = callers.stream().mapToInt(c -> c.seen.size()).toArray();
        long callsBefore = callers.stream().mapToLong(c -> c.calls.get()).sum();
        long failedBefore = callers.stream().mapToLong(c -> c.failed.get()).sum();
        long[] consulBefore = consul(consulPid);
        long windowStart = System.nanoTime();
        System.out.println("steady");
        System.out.flush();
        int mostConnections = 0;
        for (int second = 0; second < duration; second++) {
            Thread.sleep(1000);
            for (Caller caller : callers) {
                mostConnections = Math.max(mostConnections, caller.connections(service));
            }
        }
        long windowEnd = System.nanoTime();
        long[] consulAfter = consul(consulPid);
        long calls = callers.stream().mapToLong(c -> c.calls.get()).sum() - callsBefore;
        long failed = callers.stream().mapToLong(c -> c.failed.get()).sum() - failedBefore;
        long cpu = 0;
        long changes = 0;
        for (int i = 0; i < callers.size(); i++) {
            cpu += callers.get(i).cpu(threads) - cpuBefore[i];
            changes += callers.get(i).seen.size() - changesBefore[i];
        }
        List<Long> fresh = new ArrayList<>();
        List<Map.Entry<Long, Long>> changed = observedAt.entrySet().stream()
                .filter(e -> e.getValue() >= windowStart && e.getValue() <= windowEnd - TimeUnit.SECONDS.toNanos(2)).toList();
        for (Caller caller : callers) {
            for (Map.Entry<Long, Long> change : changed) {
                Long at = caller.firstAtLeast(change.getKey());
                if (at != null) {
                    fresh.add(Math.max(0, at - change.getValue()));
                }
            }
        }
        long[] freshness = fresh.stream().mapToLong(Long::longValue).sorted().toArray();
        int[] connections = callers.stream().mapToInt(c -> c.connections(service)).toArray();
        long ticks = consulAfter[0] - consulBefore[0];
        long wchar = consulAfter[1] - consulBefore[1];
        String json = String.format(Locale.ROOT, "{\"callers\":%d,\"subset_size\":%d,\"rate_per_caller\":%d,\"window_s\":%.1f,"
                        + "\"calls\":%d,\"failed_calls\":%d,\"connections_per_caller_max_seen\":%d,"
                        + "\"connections_per_caller_end\":%s,\"consul_changes\":%d,\"caller_set_changes\":%d,"
                        + "\"caller_cpu_ms_per_change\":%.3f,\"freshness_ms\":{\"count\":%d,\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f},"
                        + "\"discovery_bytes_per_known_node\":%.0f,\"consul_cpu_ms_per_change\":%.2f,"
                        + "\"consul_bytes_written_per_change\":%.0f,\"consul_cpu_percent\":%.1f}",
                callerCount, subset, rate, (windowEnd - windowStart) / 1e9, calls, failed, mostConnections,
                Arrays.toString(connections).replace(" ", ""), changed.size(), changes,
                changes == 0 ? 0.0 : cpu / 1e6 / changes, freshness.length, percentile(freshness, 50), percentile(freshness, 99),
                freshness.length == 0 ? 0.0 : freshness[freshness.length - 1] / 1e6, bytesPerKnownNode,
                changed.isEmpty() ? 0.0 : ticks * 10.0 / changed.size(), changed.isEmpty() ? 0.0 : (double) wchar / changed.size(),
                ticks * 10.0 / ((windowEnd - windowStart) / 1e6) * 100);
        System.out.println(json);
        System.out.println("measured"); // the script reads the nodes' connections now, then closes this input
        System.out.flush();
        new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
        traffic.shutdownNow();
        Thread.sleep(1500); // calls in flight end
        for (Caller caller : callers) {
            caller.mesh.close();
            caller.discovery.close();
        }
        observerDiscovery.close();
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        System.exit(0);
    }

    /** Heap per node known to discovery: ten more watchers of the service, heap after a GC before and after. */
    private static double discoveryMemory(ConsulAgent agent, DiscoveryProperties properties, String service) throws Exception {
        List<ServiceDiscovery> extra = new ArrayList<>();
        long before = usedAfterGc();
        int known = 0;
        for (int i = 0; i < 10; i++) {
            ServiceDiscovery discovery = new ServiceDiscovery(agent, properties);
            known += discovery.watch(service).firstAnswer().get(30, TimeUnit.SECONDS).nodes().size();
            extra.add(discovery);
        }
        long after = usedAfterGc();
        extra.forEach(ServiceDiscovery::close);
        return (double) (after - before) / known;
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** The Consul agent's CPU ticks (user + system) and bytes written (wchar: its sockets and logs). */
    private static long[] consul(long pid) throws Exception {
        String[] stat = Files.readString(Path.of("/proc/" + pid + "/stat")).split("\\) ", 2)[1].split(" ");
        long ticks = Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
        long wchar = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
            if (line.startsWith("wchar:")) {
                wchar = Long.parseLong(line.substring(6).strip());
            }
        }
        return new long[]{ticks, wchar};
    }

    private static double percentile(long[] sorted, int percent) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }

    private static final class Caller {
        final MeshClient mesh;
        final ServiceDiscovery discovery;
        final AtomicLong calls = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        /** index, nanoTime: every set this caller's watcher handed on, in order. */
        final List<long[]> seen = new CopyOnWriteArrayList<>();
        final Set<Long> threadIds = ConcurrentHashMap.newKeySet();

        Caller(MeshClient mesh, ServiceDiscovery discovery) {
            this.mesh = mesh;
            this.discovery = discovery;
        }

        void saw(HealthyNodes set) {
            threadIds.add(Thread.currentThread().getId());
            seen.add(new long[]{set.index(), System.nanoTime()});
        }

        Long firstAtLeast(long index) {
            for (long[] entry : seen) {
                if (entry[0] >= index) {
                    return entry[1];
                }
            }
            return null;
        }

        /** CPU of this caller's discovery threads (its blocking queries: decoding, subsetting, updating its pool). */
        long cpu(ThreadMXBean threads) {
            long total = 0;
            for (long id : threadIds) {
                long time = threads.getThreadCpuTime(id);
                total += Math.max(0, time);
            }
            return total;
        }

        int connections(String service) {
            var report = mesh.status().get(service);
            return report == null ? 0 : report.nodes().size();
        }
    }
}
