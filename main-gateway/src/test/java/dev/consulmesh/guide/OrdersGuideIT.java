package dev.consulmesh.guide;

import dev.consulmesh.client.MeshClient;
import dev.consulmesh.guide.orders.Order;
import dev.consulmesh.guide.orders.OrdersApplication;
import dev.consulmesh.guide.orders.Quote;
import dev.consulmesh.guide.orders.Stock;
import dev.consulmesh.guide.shop.OrdersClient;
import dev.consulmesh.guide.shop.ShopApplication;
import dev.consulmesh.testsupport.FreePorts;
import dev.consulmesh.testsupport.JavaProcess;
import dev.consulmesh.testsupport.StartedResources;
import dev.consulmesh.testsupport.TestConsul;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Flux;
import tools.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The service of docs/your-own-service.md, built exactly as the guide shows it (the guide quotes these
 * classes; {@link YourOwnServiceGuideTest} keeps the two the same): a real Consul agent, two orders nodes
 * ({@link OrdersApplication}) as JVMs of their own started from the test classpath, and the caller
 * ({@link ShopApplication}, in this JVM) calling them through its {@link OrdersClient} interface — a
 * request, an event, a streamed answer, a validation error, {@code @Blocking} calls under concurrency,
 * and calls that go on after one node is killed with SIGKILL.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OrdersGuideIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration START = Duration.ofSeconds(120);
    private static final Pattern REGISTERED = Pattern.compile("registered (orders-127\\.0\\.0\\.1-\\d+) in Consul");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final StartedResources started = new StartedResources();
    private static TestConsul consul;
    private static JavaProcess first;
    private static int firstAdminPort;
    private static JavaProcess second;
    private static ConfigurableApplicationContext shop;
    private static OrdersClient orders;

    @BeforeAll
    static void startConsulTwoNodesAndTheCaller() {
        consul = started.add(TestConsul.start());
        int[] ports = FreePorts.next(4);
        firstAdminPort = ports[1];
        first = started.add(startNode("orders-1", ports[0], ports[1]));
        second = started.add(startNode("orders-2", ports[2], ports[3]));
        Set<String> ids = Set.of(first.awaitLogLine(REGISTERED, START).group(1),
                second.awaitLogLine(REGISTERED, START).group(1));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> passingIds().equals(ids));

        shop = new SpringApplicationBuilder(ShopApplication.class).web(WebApplicationType.NONE).run(
                // the test classpath holds the gateway's application.yml too: the shop reads the guide's only
                "--spring.config.location=classpath:/dev/consulmesh/guide/shop/application.yml",
                "--spring.cloud.consul.host=" + consul.host(),
                "--spring.cloud.consul.port=" + consul.httpPort(),
                // the gateway's Zipkin exporter is on the test classpath; the guide's shop has none
                "--management.tracing.export.enabled=false");
        started.add(shop::close);
        orders = shop.getBean(OrdersClient.class);
        MeshClient mesh = shop.getBean(MeshClient.class);
        await().atMost(WAIT).until(() -> mesh.status().containsKey("orders") && mesh.status().get("orders").usable() == 2);
    }

    /** {@code java -cp <test classpath> OrdersApplication}, as the guide's application on its own ports. */
    private static JavaProcess startNode(String name, int tcpPort, int adminPort) {
        return JavaProcess.startMain(name, OrdersApplication.class, List.of(
                // the test classpath holds the gateway's application.yml too: the node reads the guide's only
                "--spring.config.location=classpath:/dev/consulmesh/guide/orders/application.yml",
                "--spring.cloud.consul.host=" + consul.host(),
                "--spring.cloud.consul.port=" + consul.httpPort(),
                "--mesh.tcp.host=127.0.0.1",
                "--mesh.tcp.port=" + tcpPort,
                "--mesh.tcp.advertised-host=127.0.0.1",
                "--server.port=" + adminPort,
                "--mesh.registration.check-interval=1s",
                // the gateway's Zipkin exporter is on the test classpath; the guide's node has none
                "--management.tracing.export.enabled=false"));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        started.close();
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void aRequestIsAnsweredAsTheDeclaredType() {
        assertThat(orders.quote(new Order("o-1", "tea", 4)).block(WAIT)).isEqualTo(new Quote("o-1", 1000));
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void anEventReachesANodeWhichThenKnowsTheOrder() {
        Order placed = new Order("o-2", "coffee", 2);
        orders.placed(placed).block(WAIT);

        // The event went to one of the two nodes; within a few calls round robin reaches it.
        await().atMost(WAIT).ignoreExceptions().until(() -> placed.equals(orders.order("o-2").block(WAIT)));
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void aStreamedAnswerArrivesValueByValue() {
        List<Long> arrivals = new ArrayList<>();
        List<String> statuses = orders.track("o-1").doOnNext(status -> arrivals.add(System.nanoTime()))
                .collectList().block(WAIT);

        assertThat(statuses).containsExactly("received", "packed", "shipped");
        long spreadMillis = TimeUnit.NANOSECONDS.toMillis(arrivals.get(2) - arrivals.get(0));
        System.out.printf("trackOrder: 3 values as the node emitted them, the last %d ms after the first%n", spreadMillis);
        assertThat(spreadMillis).as("the node emits them 50 ms apart; gathered at the end they would arrive together")
                .isGreaterThanOrEqualTo(80);
    }

    @Test
    @org.junit.jupiter.api.Order(4)
    void anInvalidPayloadFailsTheCallWithTheNodesErrorNamingTheFields() {
        assertThatThrownBy(() -> orders.quote(new Order("o-3", "", 0)).block(WAIT))
                .hasMessageContaining("item must not be blank")
                .hasMessageContaining("quantity must be greater than or equal to 1");
    }

    @Test
    @org.junit.jupiter.api.Order(5)
    void blockingCallsWaitForTheirSlotsWhileOtherRequestsAreAnsweredAtOnce() throws Exception {
        int calls = 40;
        long start = System.nanoTime();
        List<CompletableFuture<Stock>> stock = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            stock.add(orders.stock("tea"));
        }
        Thread.sleep(20);
        long quoteStart = System.nanoTime();
        Quote quote = orders.quote(new Order("o-4", "tea", 1)).block(WAIT);
        long quoteDone = System.nanoTime();
        CompletableFuture.allOf(stock.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        long stockDone = System.nanoTime();

        assertThat(quote).isEqualTo(new Quote("o-4", 250));
        assertThat(stock).allSatisfy(answer -> assertThat(answer.join()).isEqualTo(new Stock("tea", 7)));
        long stockMillis = TimeUnit.NANOSECONDS.toMillis(stockDone - start);
        long quoteMillis = TimeUnit.NANOSECONDS.toMillis(quoteDone - quoteStart);
        System.out.printf("checkStock: %d @Blocking calls of 100 ms over 2 nodes, 8 at once on each: all answered"
                + " after %d ms (at least 300 ms: 20 per node in 3 rounds); a quote sent meanwhile answered in %d ms%n",
                calls, stockMillis, quoteMillis);
        assertThat(stockMillis).as("20 calls per node, 8 at a time, take three rounds of 100 ms")
                .isGreaterThanOrEqualTo(300);
        assertThat(quoteDone).as("the quote did not wait behind the blocking calls").isLessThan(stockDone);
    }

    @Test
    @org.junit.jupiter.api.Order(6)
    void aNodeServesItsMetricsToPrometheusAsTheGuidePromises() throws Exception {
        // the checkStock calls before reached both nodes: the first one's handler timer has counted them
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + firstAdminPort + "/actuator/prometheus")).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(metrics.statusCode()).as(metrics.body()).isEqualTo(200);
        assertThat(metrics.body()).contains("mesh_server_handler_seconds_count{");
    }

    @Test
    @org.junit.jupiter.api.Order(7)
    void idempotentCallsGoOnOnTheOtherNodeWhenOneIsKilled() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger succeeded = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<String> failures = new ArrayList<>();
        ExecutorService callers = Executors.newFixedThreadPool(4);
        long pid = first.pid();
        int beforeKill;
        try {
            for (int i = 0; i < 4; i++) {
                callers.submit(() -> {
                    while (running.get()) {
                        try {
                            orders.quote(new Order("o-5", "tea", 2)).block(WAIT);
                            succeeded.incrementAndGet();
                        } catch (RuntimeException e) {
                            failed.incrementAndGet();
                            synchronized (failures) {
                                failures.add(e.getMessage());
                            }
                        }
                    }
                });
            }
            await().atMost(WAIT).until(() -> succeeded.get() >= 50);
            first.kill();
            beforeKill = succeeded.get();
            await().atMost(WAIT).until(() -> succeeded.get() >= beforeKill + 200);
        } finally {
            running.set(false);
            callers.shutdown();
            assertThat(callers.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
        int afterKill = 0;
        for (int i = 0; i < 20; i++) {
            assertThat(orders.quote(new Order("o-6", "tea", 1)).block(WAIT)).isEqualTo(new Quote("o-6", 250));
            afterKill++;
        }

        System.out.printf("kill -9 of %s (pid %d) under 4 concurrent callers of the idempotent quote: %d calls"
                + " succeeded before the kill, %d after it, %d failed %s; then %d of 20 sequential calls succeeded%n",
                first.name(), pid, beforeKill, succeeded.get() - beforeKill, failed.get(), failures, afterKill);
        assertThat(failed.get()).as("failed idempotent calls: %s", failures).isZero();
    }

    private static Set<String> passingIds() {
        Set<String> ids = new TreeSet<>();
        JSON.readTree(consul.http().get("/v1/health/service/orders?passing"))
                .forEach(entry -> ids.add(entry.at("/Service/ID").asString()));
        return ids;
    }
}
