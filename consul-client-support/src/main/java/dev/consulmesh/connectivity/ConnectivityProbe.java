package dev.consulmesh.connectivity;

import tools.jackson.databind.JsonNode;
import dev.consulmesh.discovery.ServiceNode;
import dev.consulmesh.failure.CallFailure;
import dev.consulmesh.transport.client.NodeUnreachableException;
import dev.consulmesh.transport.client.UnreachableReason;
import dev.consulmesh.transport.client.TcpClient;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.wire.LimitViolations;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.client.IoThreads;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Checks a node's registered address the way a call would use it: a fresh TCP connection, then one
 * request with a pattern no handler declares. Any answer, Nest's "no matching message handler" reply
 * included, proves that the process listens there and serves; a connection that opens but gets no
 * answer tells a stopped or stuck process from a closed port.
 */
public final class ConnectivityProbe {

    /** The pattern of the probe request; servers answer it with "no handler". */
    public static final String PROBE_PATTERN = "mesh.connectivity-probe";

    private final IoThreads io;
    private final PacketCodec codec;
    private final TcpClientOptions options;
    private final Duration timeout;
    private final JsonNode pattern;
    private final LimitViolations violations;

    /** @param timeout how long the connection and then the answer may each take */
    public ConnectivityProbe(IoThreads io, PacketCodec codec, TcpClientOptions options, Duration timeout,
                             LimitViolations violations) {
        this.io = io;
        this.codec = codec;
        this.options = options.withConnectTimeout(timeout);
        this.timeout = timeout;
        this.pattern = codec.nodes().stringNode(PROBE_PATTERN);
        this.violations = violations;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Probes the node; never completes exceptionally. */
    public CompletableFuture<ProbeResult> probe(ServiceNode node) {
        TcpClient client = new TcpClient(node.host(), node.port(), options, io, codec, violations);
        long started = System.nanoTime();
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        client.send(pattern, codec.nodes().nullNode(), timeout).then().subscribe(
                null,
                failure -> result.complete(classify(failure, started)),
                () -> result.complete(new ProbeResult(ProbeOutcome.ANSWERS, since(started), "")));
        return result.whenComplete((done, failure) -> client.close());
    }

    private static ProbeResult classify(Throwable failure, long started) {
        Duration took = since(started);
        String detail = String.valueOf(failure.getMessage());
        CallFailure call = CallFailure.of(failure);
        if (call.nodeAnswered()) {
            return new ProbeResult(ProbeOutcome.ANSWERS, took, "");
        }
        ProbeOutcome outcome = switch (call.kind()) {
            case TIMED_OUT -> ProbeOutcome.NOT_ANSWERING;
            case WRITTEN_THEN_FAILED -> ProbeOutcome.CLOSED;
            case TLS_HANDSHAKE -> ProbeOutcome.TLS_FAILED;
            case NOT_WRITTEN -> failure instanceof NodeUnreachableException unreachable
                    ? notConnected(unreachable.reason()) : ProbeOutcome.OTHER;
            default -> ProbeOutcome.OTHER;
        };
        return new ProbeResult(outcome, took, detail);
    }

    private static ProbeOutcome notConnected(UnreachableReason reason) {
        return switch (reason) {
            case REFUSED -> ProbeOutcome.REFUSED;
            case CONNECT_TIMEOUT -> ProbeOutcome.CONNECT_TIMEOUT;
            case NO_ROUTE -> ProbeOutcome.NO_ROUTE;
            case RESET -> ProbeOutcome.CLOSED;
            default -> ProbeOutcome.OTHER;
        };
    }

    private static Duration since(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }
}
