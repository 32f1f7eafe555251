package dev.consulmesh.pool;

import dev.consulmesh.connectivity.Diagnosis;
import dev.consulmesh.discovery.ServiceNode;
import dev.consulmesh.transport.client.TcpClient;
import io.micrometer.core.instrument.Counter;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One node in a caller's rotation: its persistent client, its state, and what the caller saw of it
 * (requests outstanding, successes, failures, failures in a row, outcomes over a sliding window, a
 * peak-EWMA of its latency, its recent calls for people watching, the latest diagnosis).
 */
public final class PooledNode {

    /** A time stamp far enough in the past that differences with any System.nanoTime() of this run stay exact. */
    static final long LONG_AGO = System.nanoTime() - (1L << 62);

    /** What Consul last said of the node: its endpoint stays, its tags, metadata of its agent and weights may change. */
    private volatile ServiceNode node;
    private final TcpClient client;
    private final Counter successCounter;
    private final Counter failureCounter;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final LongAdder successes = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final AtomicInteger timeoutsInARow = new AtomicInteger();
    private final AtomicInteger failuresInARow = new AtomicInteger();
    /** When the node's current run of timeouts began (its first timeout since it last answered), System.nanoTime(). */
    private volatile long timeoutsSinceNanos;
    /** When the node last answered a call, System.nanoTime(); long ago before its first answer. */
    private volatile long lastAnswerNanos = LONG_AGO;
    /** When a request to the node last timed out, System.nanoTime(); long ago before the first. */
    private volatile long lastTimeoutNanos = LONG_AGO;
    /** When its latest call began, System.nanoTime(); long ago before its first. */
    private volatile long lastBeginNanos = LONG_AGO;
    /** When the latest-begun of its answered calls began, System.nanoTime(); long ago before its first answer. */
    private volatile long newestAnsweredBeginNanos = LONG_AGO;
    /** When it entered rotation: when it was listed, or came back from its latest ejection, System.nanoTime(). */
    private volatile long inRotationSinceNanos = System.nanoTime();
    /** When its latency was last compared with its peers', System.nanoTime(). */
    volatile long latencyCheckedNanos = LONG_AGO;
    private volatile NodeState state = NodeState.HEALTHY;
    private volatile Instant stateSince = Instant.now();
    private volatile String stateReason = "";
    private volatile Diagnosis diagnosis;
    /** The latest decision about the node that its state does not show (kept in rotation, and why). */
    private volatile Note note;
    private final OutcomeWindow window;
    private final LatencyEwma latency = new LatencyEwma();
    private final RecentCallWindow recent = new RecentCallWindow(System.nanoTime());
    /** Ejections since the node last served a call as a healthy node; written under the pool's lock. */
    volatile int ejectionsInARow;
    /** When the ejected node is probed to come back, System.nanoTime(); guarded by the pool. */
    long probeDueNanos;
    /** Whether the node's last ejection came from its answers or slowness (then it comes back on trial); guarded by the pool. */
    boolean ejectedForOutcomes;
    /** Calls the node answered since it came back on trial; written under the pool's lock. */
    volatile int trialSuccesses;
    /** Its weight in Consul for its status (passing or warning), 1 when weights are not followed. */
    volatile int consulWeight = 1;
    /** When it entered rotation for slow start, System.nanoTime(); 0 when it takes its full share. */
    volatile long rampStartNanos;

    PooledNode(ServiceNode node, TcpClient client, Counter successCounter, Counter failureCounter, OutcomeWindow window) {
        this.node = node;
        this.client = client;
        this.successCounter = successCounter;
        this.failureCounter = failureCounter;
        this.window = window;
    }

    public ServiceNode node() {
        return node;
    }

    /** Consul's latest word on the same endpoint (new tags or weights): the connection and the node's record stay. */
    void describedAs(ServiceNode latest) {
        if (!latest.equals(node)) {
            throw new IllegalArgumentException("not the same endpoint: " + latest + " for " + node);
        }
        node = latest;
    }

    public TcpClient client() {
        return client;
    }

    public NodeState state() {
        return state;
    }

    public Instant stateSince() {
        return stateSince;
    }

    /** Why the node is in its state (the failure that ejected it, for example). */
    public String stateReason() {
        return stateReason;
    }

    public int outstanding() {
        return outstanding.get();
    }

    public long successes() {
        return successes.sum();
    }

    public long failures() {
        return failures.sum();
    }

    public int failuresInARow() {
        return failuresInARow.get();
    }

    /** Its weight in Consul for its current status (1 when the caller does not follow Consul's weights). */
    public int consulWeight() {
        return consulWeight;
    }

    public Diagnosis diagnosis() {
        return diagnosis;
    }

    /** Peak-EWMA of the latency of its calls now, in milliseconds; 0 before its first call ended. */
    public double latencyMillis() {
        return latency.nanos(System.nanoTime()) / 1_000_000.0;
    }

    /** Its failures as a percentage of its calls over the outlier window; 0 without calls. */
    public double windowFailurePercent() {
        return outcomes(System.nanoTime()).failurePercent();
    }

    /** Its calls over the last {@link RecentCallWindow#WINDOW}: rate, failed share, p99 latency. */
    public RecentCallWindow.Summary recentCalls() {
        return recent.summary(System.nanoTime());
    }

    OutcomeWindow.Outcomes outcomes(long nowNanos) {
        return window.outcomes(nowNanos);
    }

    /** The latencies of its attempts over the outlier window, as a {@link dev.consulmesh.window.LatencyHistogram}. */
    long[] latencies(long nowNanos) {
        return window.latencies(nowNanos);
    }

    /** When its current run of timeouts began; meaningful while {@link #timedOut()} counts one. */
    long timeoutsSinceNanos() {
        return timeoutsSinceNanos;
    }

    /** When it entered rotation (System.nanoTime()): listed, or back from its latest ejection. */
    long inRotationSinceNanos() {
        return inRotationSinceNanos;
    }

    /** When it last answered a call (System.nanoTime()); long ago before its first answer. */
    long lastAnswerNanos() {
        return lastAnswerNanos;
    }

    /** When a request to it last timed out (System.nanoTime()); long ago before the first. */
    long lastTimeoutNanos() {
        return lastTimeoutNanos;
    }

    /** A call starts on this node; returns its start, for {@link #end(long)}. */
    public long begin() {
        outstanding.incrementAndGet();
        long now = System.nanoTime();
        lastBeginNanos = now;
        return now;
    }

    /** Whether it answered a call begun at {@code sinceNanos} or later. */
    boolean answeredCallBegunSince(long sinceNanos) {
        return newestAnsweredBeginNanos - sinceNanos >= 0;
    }

    /** Whether a call on it began at {@code sinceNanos} or later. */
    boolean askedSince(long sinceNanos) {
        return lastBeginNanos - sinceNanos >= 0;
    }

    /** A call on this node ended, however it ended. */
    public void end() {
        outstanding.decrementAndGet();
    }

    /** A call begun at {@code startedNanos} ended, however it ended: its time counts in the latency. */
    public void end(long startedNanos) {
        long now = System.nanoTime();
        latency.observe(now - startedNanos, now);
        recent.latency(now - startedNanos, now);
        window.latency(now - startedNanos, now);
        end();
    }

    /** A call begun at {@code startedNanos} was answered. */
    void succeeded(long startedNanos) {
        if (startedNanos - newestAnsweredBeginNanos > 0) {
            newestAnsweredBeginNanos = startedNanos; // a race keeps one of two close times: either will do
        }
        succeeded();
    }

    void succeeded() {
        long now = System.nanoTime();
        window.record(true, now);
        recent.outcome(true, now);
        successes.increment();
        successCounter.increment();
        lastAnswerNanos = now;
        timeoutsInARow.set(0);
        failuresInARow.set(0);
    }

    void failed() {
        long now = System.nanoTime();
        window.record(false, now);
        recent.outcome(false, now);
        failures.increment();
        failureCounter.increment();
        failuresInARow.incrementAndGet();
    }

    /**
     * The node answered (with an error, or an answer the caller cannot use): its transport works, so
     * timeouts start counting again; its failures in a row go on (they count for the outlier rules).
     */
    void succeededTransport() {
        lastAnswerNanos = System.nanoTime();
        timeoutsInARow.set(0);
    }

    /** Counts a request timeout; returns the timeouts in a row. */
    int timedOut() {
        long now = System.nanoTime();
        lastTimeoutNanos = now;
        int inARow = timeoutsInARow.incrementAndGet();
        if (inARow == 1) {
            timeoutsSinceNanos = now;
        }
        return inARow;
    }

    void moveTo(NodeState next, String reason) {
        if (state == NodeState.EJECTED && (next == NodeState.TRIAL || next == NodeState.HEALTHY)) {
            // back from an ejection: the latency that got it ejected would keep a latency-aware balancer
            // from trying it again, and its first calls may pay for a restart
            latency.forget();
            inRotationSinceNanos = System.nanoTime();
        }
        state = next;
        stateReason = reason;
        stateSince = Instant.now();
        if (next == NodeState.HEALTHY || next == NodeState.TRIAL) {
            timeoutsInARow.set(0);
            failuresInARow.set(0);
        }
    }

    /** The latest decision about the node that its state does not show, null when none was made. */
    public Note note() {
        return note;
    }

    void noted(String decision) {
        note = new Note(decision, Instant.now());
    }

    /** A decision about the node and when it was made. */
    public record Note(String text, Instant at) {
    }

    void diagnosed(Diagnosis latest) {
        diagnosis = latest;
    }
}
