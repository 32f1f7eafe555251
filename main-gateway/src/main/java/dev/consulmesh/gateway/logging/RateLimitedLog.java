package dev.consulmesh.gateway.logging;

import org.slf4j.Logger;
import org.slf4j.event.Level;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A line logged at most once every 10 s, with how many times its event happened in all: for what
 * clients do to the gateway (slow headers, too many connections, leaving before their answer), which
 * under load happens thousands of times and must not flood the log.
 */
public final class RateLimitedLog {

    private static final long EVERY_NANOS = 10_000_000_000L;

    private final Logger log;
    private final Level level;
    private final String what;
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong lastNanos = new AtomicLong(System.nanoTime() - EVERY_NANOS);

    /** @param what the start of the line, e.g. "closed a connection from" */
    public RateLimitedLog(Logger log, Level level, String what) {
        this.log = log;
        this.level = level;
        this.what = what;
    }

    public void happened(Object peer, String detail) {
        long total = count.incrementAndGet();
        long now = System.nanoTime();
        long last = lastNanos.get();
        if (now - last >= EVERY_NANOS && lastNanos.compareAndSet(last, now)) {
            log.atLevel(level).log("{} {}: {} ({} so far; logged at most every 10 s)", what, peer, oneLine(detail), total);
        }
    }

    /** The detail on one line whatever it quotes (a node's error text, an exception's message), at most 300 characters. */
    static String oneLine(String detail) {
        if (detail == null) {
            return "";
        }
        StringBuilder line = new StringBuilder(Math.min(detail.length(), 300));
        for (int i = 0; i < detail.length() && line.length() < 300; i++) {
            char c = detail.charAt(i);
            line.append(Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR ? ' ' : c);
        }
        return line.length() < detail.length() ? line + "..." : line.toString();
    }

    public long count() {
        return count.get();
    }
}
