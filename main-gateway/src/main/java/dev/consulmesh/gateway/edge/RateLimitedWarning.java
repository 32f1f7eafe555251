package dev.consulmesh.gateway.edge;

import org.slf4j.Logger;

import java.util.concurrent.atomic.AtomicLong;

/** A warning logged at most once every 10 s, with how many times it happened in all. */
final class RateLimitedWarning {

    private static final long EVERY_NANOS = 10_000_000_000L;

    private final Logger log;
    private final String what;
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong lastNanos = new AtomicLong(System.nanoTime() - EVERY_NANOS);

    RateLimitedWarning(Logger log, String what) {
        this.log = log;
        this.what = what;
    }

    void happened(Object peer, String detail) {
        long total = count.incrementAndGet();
        long now = System.nanoTime();
        long last = lastNanos.get();
        if (now - last >= EVERY_NANOS && lastNanos.compareAndSet(last, now)) {
            log.warn("{} {}: {} ({} so far; logged at most every 10 s)", what, peer, detail, total);
        }
    }

    long count() {
        return count.get();
    }
}
