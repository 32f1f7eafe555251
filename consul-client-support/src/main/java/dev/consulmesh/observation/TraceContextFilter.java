package dev.consulmesh.observation;

import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.transport.wire.PacketHeaders;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * Checks the trace context a peer sent before a tracer reads it. A malformed {@code traceparent}, or a
 * context over W3C's sizes, is dropped whole: the handler starts a new trace and answers normally. Each
 * drop is counted ({@code mesh.tcp.server.trace-context.rejected}, by reason); the first of each reason
 * is logged as a warning, the rest at debug level only, so a peer cannot flood the log.
 */
public final class TraceContextFilter {

    private static final Logger log = LoggerFactory.getLogger(TraceContextFilter.class);

    /** version-traceid-parentid-flags, lower-case hex; an all-zero trace or parent id is invalid. */
    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");
    /** W3C: version 00 is exactly 55 characters; later versions may append fields. */
    static final int MAX_TRACEPARENT = 256;
    /** W3C Trace Context: at most 32 members, 512 characters is what vendors must propagate. */
    static final int MAX_TRACESTATE = 512;
    /** W3C Baggage: at most 8192 bytes. */
    static final int MAX_BAGGAGE = 8192;

    private final Counter malformed;
    private final Counter oversized;
    private final AtomicBoolean malformedLogged = new AtomicBoolean();
    private final AtomicBoolean oversizedLogged = new AtomicBoolean();

    public TraceContextFilter(MeshMetrics metrics) {
        this.malformed = metrics.traceContextRejected("malformed");
        this.oversized = metrics.traceContextRejected("oversized");
    }

    /** The packet's trace headers when they can be trusted, or none; {@code from} names the peer for the log. */
    public Map<String, String> accept(Map<String, String> headers, Object from) {
        String traceparent = headers.get(PacketHeaders.TRACEPARENT);
        if (traceparent == null) {
            return Map.of(); // no trace context: a Nest peer, or a caller that does not trace
        }
        String tracestate = headers.get(PacketHeaders.TRACESTATE);
        String baggage = headers.get(PacketHeaders.BAGGAGE);
        if (traceparent.length() > MAX_TRACEPARENT || (tracestate != null && tracestate.length() > MAX_TRACESTATE)
                || (baggage != null && baggage.length() > MAX_BAGGAGE)) {
            reject(oversized, oversizedLogged, "oversized (traceparent " + traceparent.length() + ", tracestate "
                    + length(tracestate) + ", baggage " + length(baggage) + " characters; at most " + MAX_TRACEPARENT
                    + ", " + MAX_TRACESTATE + ", " + MAX_BAGGAGE + ")", from);
            return Map.of();
        }
        if (!TRACEPARENT.matcher(traceparent.length() > 55 ? traceparent.substring(0, 55) : traceparent).matches()
                || (traceparent.length() > 55 && traceparent.charAt(55) != '-') || traceparent.startsWith("ff")) {
            reject(malformed, malformedLogged, "malformed (traceparent '" + shown(traceparent) + "')", from);
            return Map.of();
        }
        Map<String, String> trusted = new LinkedHashMap<>(4);
        trusted.put(PacketHeaders.TRACEPARENT, traceparent);
        if (tracestate != null) {
            trusted.put(PacketHeaders.TRACESTATE, tracestate);
        }
        if (baggage != null) {
            trusted.put(PacketHeaders.BAGGAGE, baggage);
        }
        return trusted;
    }

    private static void reject(Counter counter, AtomicBoolean logged, String why, Object from) {
        counter.increment();
        if (logged.compareAndSet(false, true)) {
            log.warn("trace context from {} is {}: the handler starts a new trace (logged once; counted in"
                    + " mesh.tcp.server.trace-context.rejected)", from, why);
        } else if (log.isDebugEnabled()) {
            log.debug("trace context from {} is {}: the handler starts a new trace", from, why);
        }
    }

    private static int length(String value) {
        return value == null ? 0 : value.length();
    }

    private static String shown(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
