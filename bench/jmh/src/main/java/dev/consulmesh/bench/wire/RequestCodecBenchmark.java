package dev.consulmesh.bench.wire;

import tools.jackson.databind.node.JsonNodeFactory;
import dev.consulmesh.transport.wire.Packet;
import dev.consulmesh.transport.wire.RequestPacket;
import io.netty.buffer.ByteBuf;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The gateway's {@code fetchLatestNews} request, {@code {"pattern":"fetchLatestNews","data":{"latestTime":..,
 * "limit":21},"id":"<21 hex>"}}: written by the client (packet → frame bytes), read by the node (frame
 * bytes → packet).
 */
// Jackson's and Netty's paths need seconds of JIT compilation on two shared cores before the time per op settles.
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RequestCodecBenchmark {

    private ConnectionWire wire;
    private RequestPacket request;
    private byte[] frame;

    @Setup
    public void setUp() {
        wire = new ConnectionWire();
        JsonNodeFactory nodes = wire.codec.nodes();
        // The data the gateway sends for a first page of 20: one item more tells whether a next page exists.
        request = new RequestPacket(nodes.stringNode("fetchLatestNews"),
                nodes.objectNode().put("latestTime", 1_795_466_075_138L).put("limit", 21),
                nodes.stringNode("5f0c6e2a9d41b7e83c0a1"));
        frame = wire.bytesOf(request);
    }

    @TearDown
    public void tearDown() {
        wire.close();
    }

    @Benchmark
    public int encode() {
        ByteBuf bytes = wire.write(request);
        int written = bytes.readableBytes();
        bytes.release();
        return written;
    }

    @Benchmark
    public Packet decode() {
        return wire.codec.readInbound(wire.read(frame));
    }
}
