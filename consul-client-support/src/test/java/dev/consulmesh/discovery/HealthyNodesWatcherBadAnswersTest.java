package dev.consulmesh.discovery;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.discovery.FakeConsulHealthEndpoint.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The watcher against a fake Consul health endpoint ({@link FakeConsulHealthEndpoint}, a raw socket)
 * that answers a valid list, then garbage with a 200, a 500, or a body cut short: the last good set
 * stays current, the problem is named, queries back off, the warning is logged once per kind of
 * problem, and a valid answer again brings the watcher back.
 */
class HealthyNodesWatcherBadAnswersTest {

    private static final String SERVICE = "flaky";
    private static final Duration INITIAL_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofMillis(400);

    private FakeConsulHealthEndpoint consul;
    private HealthyNodesWatcher watcher;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger watcherLog = (Logger) LoggerFactory.getLogger(HealthyNodesWatcher.class);

    @BeforeEach
    void startWatcherOnAValidList() throws Exception {
        logged.start();
        watcherLog.addAppender(logged);
        consul = new FakeConsulHealthEndpoint();
        consul.healthList(SERVICE, "flaky-1");
        DiscoveryProperties properties = new DiscoveryProperties();
        properties.setWait(Duration.ofSeconds(5));
        properties.setInitialBackoff(INITIAL_BACKOFF);
        properties.setMaxBackoff(MAX_BACKOFF);
        properties.setResyncGrace(Duration.ZERO);
        watcher = new HealthyNodesWatcher(SERVICE, ConsulAgent.at("127.0.0.1", consul.port()), properties);
        assertThat(ids(watcher.firstAnswer().get(5, TimeUnit.SECONDS))).containsExactly("flaky-1");
    }

    @AfterEach
    void stop() throws Exception {
        if (watcher != null) {
            watcher.close();
        }
        if (consul != null) {
            consul.close();
        }
        watcherLog.detachAppender(logged);
    }

    @ParameterizedTest
    @EnumSource(value = Answer.class, names = {"GARBAGE", "SERVER_ERROR", "CLOSED_MID_BODY"})
    void aBadAnswerKeepsTheLastGoodSetIsNamedBacksOffIsLoggedOnceAndAValidAnswerRecovers(Answer bad) {
        consul.answer(bad);
        await().atMost(Duration.ofSeconds(5)).until(() -> watcher.consulProblem() != null);
        System.out.println(bad + " reads: " + watcher.consulProblem());
        assertThat(watcher.consulProblem()).contains(problemText(bad)).contains("127.0.0.1:" + consul.port());

        sleep(Duration.ofMillis(1300)); // backoff 100, 200, 400, 400 ms: some four retries
        long retries = consul.requestsWithin(Duration.ofMillis(1200));
        System.out.println(bad + ": " + retries + " requests in 1.2 s");
        assertThat(retries).as("requests in 1.2 s while the answer is %s", bad).isBetween(2L, 8L);
        assertThat(ids(watcher.current())).as("the last good set").containsExactly("flaky-1");
        assertThat(warnings()).as("warnings").hasSize(1);
        assertThat(warnings().get(0)).contains(problemText(bad));

        consul.healthList(SERVICE, "flaky-1", "flaky-2");
        await().atMost(MAX_BACKOFF.plusSeconds(2))
                .until(() -> ids(watcher.current()).equals(List.of("flaky-1", "flaky-2")));
        assertThat(watcher.consulProblem()).isNull();
        assertThat(warnings()).as("warnings after recovery").hasSize(1);
    }

    @Test
    void eachNewKindOfProblemIsLoggedOnceAndNoneIsLoggedPerRetry() {
        for (Answer bad : List.of(Answer.GARBAGE, Answer.SERVER_ERROR, Answer.CLOSED_MID_BODY, Answer.SERVER_ERROR)) {
            consul.answer(bad);
            await().atMost(Duration.ofSeconds(5)).until(() -> watcher.consulProblem() != null
                    && watcher.consulProblem().contains(problemText(bad)));
            sleep(Duration.ofMillis(700));
        }
        assertThat(warnings()).as("one warning per change of problem, over %d requests", consul.requests().size())
                .hasSize(4);
        assertThat(ids(watcher.current())).containsExactly("flaky-1");

        consul.healthList(SERVICE, "flaky-2");
        await().atMost(MAX_BACKOFF.plusSeconds(2)).until(() -> ids(watcher.current()).equals(List.of("flaky-2")));
        assertThat(watcher.consulProblem()).isNull();
    }

    @Test
    void answersWithoutAnIndexArePacedNotQueriedAgainAtOnce() {
        consul.answer(Answer.HEALTH_LIST_WITHOUT_INDEX);
        consul.healthList(SERVICE, "flaky-1", "flaky-2");
        consul.answer(Answer.HEALTH_LIST_WITHOUT_INDEX);
        await().atMost(Duration.ofSeconds(2)).until(() -> ids(watcher.current()).equals(List.of("flaky-1", "flaky-2")));

        sleep(Duration.ofMillis(1100));
        long queries = consul.requestsWithin(Duration.ofSeconds(1));
        System.out.println("without an index: " + queries + " requests in 1 s");
        assertThat(queries).as("queries in 1 s, paced by initial-backoff (100 ms)").isBetween(2L, 12L);
        assertThat(watcher.consulProblem()).isNull();
    }

    /** What {@link HealthyNodesWatcher#consulProblem()} says for each bad answer. */
    private static String problemText(Answer bad) {
        return switch (bad) {
            case GARBAGE -> "answered with a body that cannot be read as Consul's JSON";
            case SERVER_ERROR -> "answered 500: rpc error making call: No cluster leader";
            case CLOSED_MID_BODY -> "was cut short";
            case HEALTH_LIST, HEALTH_LIST_WITHOUT_INDEX -> throw new IllegalArgumentException(bad.name());
        };
    }

    private List<String> warnings() {
        return logged.list.stream().filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static List<String> ids(HealthyNodes nodes) {
        return nodes.nodes().stream().map(ServiceNode::instanceId).toList();
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
