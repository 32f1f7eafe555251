package dev.consulmesh.window;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;

/**
 * Counts over a sliding window of time buckets, without a lock: the one ring behind a node's outcomes,
 * its recent calls, a service's latencies and the retry budget. Each bucket holds a fixed number of
 * counters ("fields"). A bucket that served an older period is replaced, never cleared in place, so a
 * writer cannot lose a count to another writer's reset, and a reader sums only buckets whose period is
 * still inside the window: counts older than the window never come back after a quiet period.
 */
public final class SlidingWindow {

    private final long bucketNanos;
    private final int buckets;
    private final int fields;
    private final AtomicReferenceArray<Bucket> ring;

    /**
     * @param span    how far back the window looks
     * @param buckets how many buckets it is cut into (the window moves on by span / buckets)
     * @param fields  counters per bucket
     */
    public SlidingWindow(Duration span, int buckets, int fields) {
        if (buckets < 1 || fields < 1) {
            throw new IllegalArgumentException("a window needs at least one bucket and one field, got " + buckets
                    + " bucket(s) of " + fields + " field(s)");
        }
        this.bucketNanos = Math.max(1, span.toNanos() / buckets);
        this.buckets = buckets;
        this.fields = fields;
        this.ring = new AtomicReferenceArray<>(buckets);
    }

    /** How many counters each bucket holds. */
    public int fields() {
        return fields;
    }

    /** Adds one to {@code field} at {@code nowNanos} (System.nanoTime()). */
    public void add(int field, long nowNanos) {
        bucket(nowNanos).counts.incrementAndGet(field);
    }

    /**
     * Adds one to {@code field} only when {@code allows} accepts the window's sums as they are before it:
     * atomic against other writers of the same bucket, so that a limit checked here is never overrun by
     * threads checking it at once.
     *
     * @return whether it was added
     */
    public boolean addIf(int field, long nowNanos, Predicate<long[]> allows) {
        Bucket bucket = bucket(nowNanos);
        while (true) {
            long current = bucket.counts.get(field);
            if (!allows.test(sums(nowNanos))) {
                return false;
            }
            if (bucket.counts.compareAndSet(field, current, current + 1)) {
                return true;
            }
        }
    }

    /** Each field summed over the buckets still inside the window at {@code nowNanos}. */
    public long[] sums(long nowNanos) {
        long period = Math.floorDiv(nowNanos, bucketNanos);
        long[] sums = new long[fields];
        for (int i = 0; i < buckets; i++) {
            Bucket bucket = ring.get(i);
            if (bucket != null && period - bucket.period < buckets && bucket.period <= period) {
                for (int field = 0; field < fields; field++) {
                    sums[field] += bucket.counts.get(field);
                }
            }
        }
        return sums;
    }

    /** The bucket of the period holding {@code nowNanos}, put in place of the one that served an older period. */
    private Bucket bucket(long nowNanos) {
        long period = Math.floorDiv(nowNanos, bucketNanos);
        int slot = (int) Math.floorMod(period, buckets);
        while (true) {
            Bucket bucket = ring.get(slot);
            // A writer whose clock reading is older than the slot's period counts in the newer bucket.
            if (bucket != null && bucket.period >= period) {
                return bucket;
            }
            Bucket fresh = new Bucket(period, fields);
            if (ring.compareAndSet(slot, bucket, fresh)) {
                return fresh;
            }
        }
    }

    private static final class Bucket {
        final long period;
        final AtomicLongArray counts;

        Bucket(long period, int fields) {
            this.period = period;
            this.counts = new AtomicLongArray(fields);
        }
    }
}
