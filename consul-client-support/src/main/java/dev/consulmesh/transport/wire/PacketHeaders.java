package dev.consulmesh.transport.wire;

/**
 * The names of the mesh's packet headers (the {@code metadata} object after Nest's keys). Trace context
 * is W3C's ({@code traceparent}, {@code tracestate}, {@code baggage}); {@code timeout} is the time the
 * caller still waits for the answer, in milliseconds, counted from when the packet is read (like
 * gRPC's {@code grpc-timeout}, so the two hosts' clocks need not agree).
 */
public final class PacketHeaders {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    public static final String BAGGAGE = "baggage";
    public static final String TIMEOUT = "timeout";

    private PacketHeaders() {
    }
}
