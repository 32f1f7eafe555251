package dev.consulmesh.observation;

import dev.consulmesh.metrics.MeshMetrics;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TraceContextFilterTest {

    private static final String VALID = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private final MeshMetrics metrics = MeshMetrics.inMemory();
    private final TraceContextFilter filter = new TraceContextFilter(metrics);

    @Test
    void aSoundContextPassesWithItsStateAndBaggage() {
        Map<String, String> headers = Map.of("traceparent", VALID, "tracestate", "a=1", "baggage", "k=v", "timeout", "10");
        assertThat(filter.accept(headers, "peer")).containsOnlyKeys("traceparent", "tracestate", "baggage");
    }

    @Test
    void malformedOrOversizedContextIsDroppedWholeAndCounted() {
        assertThat(filter.accept(Map.of("traceparent", "00-xyz-01"), "peer")).isEmpty();
        assertThat(filter.accept(Map.of("traceparent", "00-00000000000000000000000000000000-b7ad6b7169203331-01"), "peer")).isEmpty();
        assertThat(filter.accept(Map.of("traceparent", VALID, "tracestate", "x".repeat(600)), "peer")).isEmpty();
        assertThat(filter.accept(Map.of("traceparent", VALID, "baggage", "x".repeat(9000)), "peer")).isEmpty();
        assertThat(filter.accept(Map.of("tracestate", "a=1"), "peer")).as("no traceparent: nothing to continue").isEmpty();
        assertThat(metrics.registry().get("mesh.tcp.server.trace-context.rejected").tag("reason", "malformed").counter().count())
                .isEqualTo(2);
        assertThat(metrics.registry().get("mesh.tcp.server.trace-context.rejected").tag("reason", "oversized").counter().count())
                .isEqualTo(2);
    }
}
