package dev.consulmesh.discovery;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A change in Consul's set is logged as what changed, never the whole list again. */
class SetChangeTest {

    private static ServiceNode node(int port) {
        return new ServiceNode("svc-" + port, "svc", "127.0.0.1", port, Map.of());
    }

    private static Map<String, InstanceHealth> health(Map<Integer, InstanceHealth.Status> statuses) {
        Map<String, InstanceHealth> registered = new LinkedHashMap<>();
        statuses.forEach((port, status) -> registered.put("svc-" + port, new InstanceHealth("svc-" + port, status, "")));
        return registered;
    }

    private static HealthyNodes set(List<ServiceNode> nodes, Map<String, InstanceHealth> registered) {
        return new HealthyNodes("svc", nodes, registered, Set.of(), 1, Instant.now());
    }

    @Test
    void theFirstAnswerNamesTheInstancesAndLaterOnesOnlyWhatChanged() {
        assertThat(SetChange.describe(null, List.of(node(1), node(2)), Map.of(), Set.of()))
                .isEqualTo("2 instance(s) to route to [svc-1@127.0.0.1:1, svc-2@127.0.0.1:2]");

        HealthyNodes before = set(List.of(node(1), node(2)), health(Map.of(1, InstanceHealth.Status.PASSING,
                2, InstanceHealth.Status.PASSING)));
        assertThat(SetChange.describe(before, List.of(node(1), node(3)), health(Map.of(1, InstanceHealth.Status.PASSING,
                2, InstanceHealth.Status.CRITICAL, 3, InstanceHealth.Status.PASSING)), Set.of()))
                .isEqualTo("added [svc-3@127.0.0.1:3]; removed [svc-2@127.0.0.1:2]; checks [svc-2 passing -> critical]; 2 to route to");
    }

    @Test
    void aChangeInALargeSetNamesAFewAndCountsTheRest() {
        List<ServiceNode> many = IntStream.rangeClosed(1, 200).mapToObj(SetChangeTest::node).toList();
        String first = SetChange.describe(null, many, Map.of(), Set.of());
        assertThat(first).endsWith(" and 190 more").hasSizeLessThan(400);

        HealthyNodes before = set(many, Map.of());
        String oneLeft = SetChange.describe(before, many.subList(1, 200), Map.of(), Set.of());
        assertThat(oneLeft).isEqualTo("removed [svc-1@127.0.0.1:1]; 199 to route to");
    }

    @Test
    void nothingAReaderActsOnGivesNoLine() {
        HealthyNodes before = set(List.of(node(1)), health(Map.of(1, InstanceHealth.Status.PASSING)));
        assertThat(SetChange.describe(before, List.of(node(1)), health(Map.of(1, InstanceHealth.Status.PASSING)), Set.of()))
                .isEmpty();
    }
}
