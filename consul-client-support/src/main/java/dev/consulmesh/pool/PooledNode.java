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
 * (requests outstanding, successes, failures, failures in a row, the latest diagnosis).
 */
public final class PooledNode {

    private final ServiceNode node;
    private final TcpClient client;
    private final Counter successCounter;
    private final Counter failureCounter;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final LongAdder successes = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final AtomicInteger timeoutsInARow = new AtomicInteger();
    private volatile int failuresInARow;
    private volatile NodeState state = NodeState.HEALTHY;
    private volatile Instant stateSince = Instant.now();
    private volatile String stateReason = "";
    private volatile Diagnosis diagnosis;
    /** Ejections since the node last served a call; guarded by the pool. */
    int ejectionsInARow;
    /** When the ejected node is probed to come back, System.nanoTime(); guarded by the pool. */
    long probeDueNanos;

    PooledNode(ServiceNode node, TcpClient client, Counter successCounter, Counter failureCounter) {
        this.node = node;
        this.client = client;
        this.successCounter = successCounter;
        this.failureCounter = failureCounter;
    }

    public ServiceNode node() {
        return node;
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
        return failuresInARow;
    }

    public Diagnosis diagnosis() {
        return diagnosis;
    }

    /** A call starts on this node. */
    public void begin() {
        outstanding.incrementAndGet();
    }

    /** A call on this node ended, however it ended. */
    public void end() {
        outstanding.decrementAndGet();
    }

    void succeeded() {
        successes.increment();
        successCounter.increment();
        timeoutsInARow.set(0);
        failuresInARow = 0;
    }

    void failed() {
        failures.increment();
        failureCounter.increment();
        failuresInARow++;
    }

    /** The node answered (with an error of its handler): its transport works. */
    void succeededTransport() {
        timeoutsInARow.set(0);
        failuresInARow = 0;
    }

    /** Counts a request timeout; returns the timeouts in a row. */
    int timedOut() {
        return timeoutsInARow.incrementAndGet();
    }

    void moveTo(NodeState next, String reason) {
        state = next;
        stateReason = reason;
        stateSince = Instant.now();
        if (next == NodeState.HEALTHY) {
            timeoutsInARow.set(0);
            failuresInARow = 0;
        }
    }

    void diagnosed(Diagnosis latest) {
        diagnosis = latest;
    }
}
