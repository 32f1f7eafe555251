package dev.consulmesh.logging;

import org.slf4j.Logger;
import org.slf4j.event.Level;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A line logged at most once every 10 s, with how many times its event happened in all: for what
 * clients and peers do (slow headers, too many connections, leaving before their answer, a handler
 * failing on every request, a connection failing unexpectedly), which under load happens thousands of
 * times and must not flood the log. What the line quotes is put on one line, so a peer's text cannot
 * forge log lines.
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

    /**
     * As {@link #happened(Object, String)}, for a failure: the line names it without a stack trace; the
     * stack trace of every occurrence goes to the debug level, for when someone needs it.
     */
    public void happened(Object peer, String detail, Throwable failure) {
        happened(peer, detail);
        if (log.isDebugEnabled()) {
            log.debug("{} {}: {}", what, peer, oneLine(detail), failure);
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
