package dev.consulmesh.discovery;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.consulmesh.consul.internal.ConsulHealthApi;
import dev.consulmesh.metrics.MeshMetrics;
import org.junit.jupiter.api.AfterAll;
import org.springframework.cloud.consul.model.http.health.Check;
import tools.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of what a registrant can put in Consul's health answer, through the check
 * every answer goes through before the mesh reads it ({@link RegistryDataCheck}): ids, addresses, tags,
 * metadata and check output with control characters and huge values, duplicate ids, ports and weights
 * out of range, entries with parts missing. The property: the check never throws, and everything it
 * lets through is safe where it lands — ids unique, printable and bounded (they become HTTP headers,
 * log lines and metric tags), addresses a host name or IP literal, ports in range, weights within the
 * configured ratio, tags/metadata/check output printable and bounded, findings bounded.
 *
 * <p>Runs like {@code WireFuzzTest}: {@code mvn verify} fuzzes it for {@code maxDuration} (the module's
 * {@code fuzz} execution); the plain test execution replays inputs saved under
 * {@code src/test/resources/.../RegistryFuzzTestInputs/}.
 */
class RegistryFuzzTest {

    private static final int RATIO = 10;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] ADDRESSES = {"127.0.0.1", "::1", "news-1.internal", "", " ", "0", "999.1.1.1",
            "a..b", "host:port", "fe80::1%eth0", "[::1]", "\u0000"};
    private static final String[] STATUSES = {"passing", "warning", "critical", "unknown", null};
    private static final AtomicLong inputs = new AtomicLong();
    private static final AtomicLong used = new AtomicLong();
    private static final AtomicLong skipped = new AtomicLong();

    @FuzzTest(maxDuration = "30s")
    void anyHealthAnswerYieldsOnlySafeInstances(FuzzedDataProvider data) {
        inputs.incrementAndGet();
        List<ConsulHealthApi.Entry> answer = new ArrayList<>();
        int entries = data.consumeInt(0, 12);
        for (int i = 0; i < entries && data.remainingBytes() > 0; i++) {
            answer.add(data.consumeInt(0, 30) == 0 ? null : entry(data));
        }
        RegistryDataCheck.Result result = new RegistryDataCheck("news", null, RATIO, MeshMetrics.inMemory()).check(answer);

        Set<String> ids = new HashSet<>();
        int lowest = result.instances().stream().mapToInt(c -> c.node().weights().passing()).min().orElse(1);
        for (RegistryDataCheck.Checked checked : result.instances()) {
            ServiceNode node = checked.node();
            assertThat(ids.add(node.instanceId())).as("unique id").isTrue();
            assertSafe(node.instanceId(), RegistryDataCheck.MAX_ID);
            assertThat(node.instanceId()).isNotEmpty();
            assertThat(node.service()).isEqualTo("news");
            assertThat(node.host()).isNotEmpty().hasSizeLessThanOrEqualTo(RegistryDataCheck.MAX_HOST)
                    .matches("[A-Za-z0-9_.:%-]+");
            assertThat(node.port()).isBetween(1, 65_535);
            assertThat(node.weights().passing()).isLessThanOrEqualTo(lowest * RATIO);
            assertThat(node.weights().warning()).isLessThanOrEqualTo(lowest * RATIO);
            assertThat(node.tags()).hasSizeLessThanOrEqualTo(RegistryDataCheck.MAX_TAGS)
                    .allSatisfy(tag -> assertSafe(tag, RegistryDataCheck.MAX_TAG));
            assertThat(node.meta()).hasSizeLessThanOrEqualTo(RegistryDataCheck.MAX_META_ENTRIES);
            node.meta().forEach((key, value) -> {
                assertSafe(key, RegistryDataCheck.MAX_META_KEY);
                assertSafe(value, RegistryDataCheck.MAX_META_VALUE);
            });
            assertSafe(node.datacenter(), RegistryDataCheck.MAX_DATACENTER);
            assertThat(RegistryDataCheck.printable(checked.health().output())).isTrue();
            assertThat(checked.health().output().length()).isLessThanOrEqualTo(RegistryDataCheck.MAX_CHECK_TEXT + 8);
        }
        assertThat(result.findings()).hasSizeLessThanOrEqualTo(RegistryDataCheck.MAX_FINDINGS);
        for (RegistryDataCheck.Finding finding : result.findings()) {
            assertThat(RegistryDataCheck.printable(finding.instance())).isTrue();
            assertThat(RegistryDataCheck.printable(finding.detail())).isTrue();
        }
        used.addAndGet(result.instances().size());
        skipped.addAndGet(result.findings().stream().filter(f -> f.action().equals("skipped")).count());
    }

    private static void assertSafe(String text, int max) {
        assertThat(text.length()).isLessThanOrEqualTo(max);
        assertThat(RegistryDataCheck.printable(text)).as("printable: %s", RegistryDataCheck.printable(text, 80)).isTrue();
    }

    private static ConsulHealthApi.Entry entry(FuzzedDataProvider data) {
        // Few distinct ids, so that duplicates are frequent; else any text, huge at times.
        String id = data.consumeBoolean() ? "news-" + data.consumeInt(0, 3) : text(data, 300);
        String address = data.consumeBoolean() ? pick(data, ADDRESSES) : text(data, 300);
        Integer port = data.consumeBoolean() ? null : data.consumeInt(-2, 70_000);
        ConsulHealthApi.Weights weights = data.consumeBoolean() ? null
                : new ConsulHealthApi.Weights(data.consumeBoolean() ? null : data.consumeInt(-5, 20_000),
                data.consumeBoolean() ? null : data.consumeInt(-5, 20_000));
        ConsulHealthApi.Service service = new ConsulHealthApi.Service(id, data.consumeBoolean() ? "news" : text(data, 20),
                tags(data), address, port, map(data), weights);
        ConsulHealthApi.Node node = data.consumeBoolean() ? null
                : new ConsulHealthApi.Node(text(data, 20), pick(data, ADDRESSES), text(data, 80), map(data));
        List<Check> checks = new ArrayList<>();
        int count = data.consumeInt(0, 3);
        for (int i = 0; i < count; i++) {
            Map<String, Object> check = new HashMap<>();
            check.put("Name", text(data, 40));
            check.put("Status", pick(data, STATUSES));
            check.put("Output", text(data, 4000));
            checks.add(JSON.convertValue(check, Check.class));
        }
        return new ConsulHealthApi.Entry(node, service, data.consumeBoolean() ? null : checks);
    }

    private static String text(FuzzedDataProvider data, int max) {
        return data.consumeBoolean() ? null : data.consumeString(max);
    }

    private static String pick(FuzzedDataProvider data, String[] from) {
        return from[data.consumeInt(0, from.length - 1)];
    }

    private static List<String> tags(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            return null;
        }
        List<String> tags = new ArrayList<>();
        int count = data.consumeInt(0, 80);
        for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
            tags.add(data.consumeString(300));
        }
        return tags;
    }

    private static Map<String, String> map(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            return null;
        }
        Map<String, String> map = new LinkedHashMap<>();
        int count = data.consumeInt(0, 80);
        for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
            map.put(data.consumeString(150), data.consumeBoolean() ? null : data.consumeString(600));
        }
        return map;
    }

    @AfterAll
    static void printWhatWasExecuted() {
        System.out.printf("RegistryFuzzTest: %d inputs executed, %d instances used, %d skipped%n", inputs.get(), used.get(),
                skipped.get());
    }
}
