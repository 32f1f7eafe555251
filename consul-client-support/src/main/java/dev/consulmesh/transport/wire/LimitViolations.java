package dev.consulmesh.transport.wire;

import dev.consulmesh.metrics.MeshMetrics;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Where the connections of one side (a server, or the clients of a process) report a limit a peer hit:
 * each is counted in {@code mesh.tcp.limits} (tags {@code side}, {@code limit}) and logged, at most one
 * line per limit every {@link #LOG_INTERVAL}, so a hostile peer cannot flood the log. A line that follows
 * suppressed ones says how many were left out.
 */
public final class LimitViolations {

    static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

    private final String side;
    private final Logger log;
    private final Map<TransportLimit, Counter> counters = new EnumMap<>(TransportLimit.class);
    private final Map<TransportLimit, LogWindow> windows = new EnumMap<>(TransportLimit.class);

    /** @param side {@code server} or {@code client}: the side whose connections these are */
    public LimitViolations(String side, MeshMetrics metrics, Logger log) {
        this.side = side;
        this.log = log;
        for (TransportLimit limit : TransportLimit.values()) {
            counters.put(limit, metrics.transportLimit(side, limit.tag()));
            windows.put(limit, new LogWindow());
        }
    }

    /**
     * Counts one violation and logs it unless a line for the same limit was logged less than
     * {@link #LOG_INTERVAL} ago.
     *
     * @param peer   the other side, e.g. {@code from /10.0.0.5:51234} or {@code to 10.0.0.7:3001}
     * @param detail what was wrong and what was done about it, e.g. "closed: frame length 9999999 exceeds ..."
     */
    public void record(TransportLimit limit, String peer, String detail) {
        counters.get(limit).increment();
        long suppressed = windows.get(limit).admit(System.nanoTime());
        if (suppressed < 0) {
            return;
        }
        if (suppressed == 0) {
            log.warn("{} connection {}: {} [{}]", side, peer, detail, limit.tag());
        } else {
            log.warn("{} connection {}: {} [{}] ({} more of [{}] in the last {} s not logged)", side, peer, detail,
                    limit.tag(), suppressed, limit.tag(), LOG_INTERVAL.toSeconds());
        }
    }

    /** How many times connections of this side hit the limit so far. */
    public long count(TransportLimit limit) {
        return (long) counters.get(limit).count();
    }

    /** One limit's log budget: one line per interval, counting what it held back. */
    private static final class LogWindow {
        private long lastLogged = Long.MIN_VALUE;
        private long suppressed;

        /** Returns -1 to stay silent, otherwise how many lines were held back since the last one logged. */
        synchronized long admit(long now) {
            if (lastLogged != Long.MIN_VALUE && now - lastLogged < LOG_INTERVAL.toNanos()) {
                suppressed++;
                return -1;
            }
            lastLogged = now;
            long held = suppressed;
            suppressed = 0;
            return held;
        }
    }
}
