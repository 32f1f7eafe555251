package dev.consulmesh.transport.wire;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.consulmesh.metrics.MeshMetrics;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

class LimitViolationsTest {

    @Test
    void countsEveryViolationButLogsOneLinePerLimitAndIntervalNamingPeerAndLimit() {
        Logger log = (Logger) LoggerFactory.getLogger("limit-violations-test");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        MeshMetrics metrics = MeshMetrics.inMemory();
        LimitViolations violations = new LimitViolations("server", metrics, log);

        for (int i = 0; i < 1000; i++) {
            violations.record(TransportLimit.MALFORMED_FRAME, "from /127.0.0.1:" + (40000 + i), "closed: not a frame");
        }
        violations.record(TransportLimit.MAX_CONNECTIONS, "from /127.0.0.1:50000", "closed at once");

        assertThat(violations.count(TransportLimit.MALFORMED_FRAME)).isEqualTo(1000);
        assertThat(metrics.registry().get("mesh.tcp.limits").tags("side", "server", "limit", "malformed-frame")
                .counter().count()).isEqualTo(1000);
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "server connection from /127.0.0.1:40000: closed: not a frame [malformed-frame]",
                "server connection from /127.0.0.1:50000: closed at once [max-connections]");
    }
}
