package dev.consulmesh.bench.wire;

import dev.consulmesh.transport.wire.ResponsePacket;
import io.netty.buffer.ByteBuf;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * A node's answer to {@code fetchLatestNews}, one packet {@code {"response":[items],"isDisposed":true,"id":..}}
 * (a handler's single value and its completion travel together): written by the node (packet → frame bytes),
 * read by the client (frame bytes → packet). 21 items is the gateway's usual page (8.4 KB); 2,780 items
 * is a frame of 1.0 MB (1,047,482 bytes), to see how the cost grows with the frame.
 */
// Jackson's and Netty's paths need seconds of JIT compilation on two shared cores before the time per op settles.
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ResponseCodecBenchmark {

    @Param({"21", "2780"})
    public int items;

    private ConnectionWire wire;
    private ResponsePacket response;
    private byte[] frame;

    @Setup
    public void setUp() {
        wire = new ConnectionWire();
        response = ResponsePacket.value(wire.codec.nodes().stringNode("5f0c6e2a9d41b7e83c0a1"),
                SampleNews.items(wire.codec.nodes(), items), true);
        frame = wire.bytesOf(response);
    }

    @TearDown
    public void tearDown() {
        wire.close();
    }

    @Benchmark
    public int encode() {
        ByteBuf bytes = wire.write(response);
        int written = bytes.readableBytes();
        bytes.release();
        return written;
    }

    @Benchmark
    public ResponsePacket decode() {
        return wire.codec.readResponse(wire.read(frame));
    }

    /** As the gateway reads a node's answer: checked, its items found, but no tree built ({@code RawJson}). */
    @Benchmark
    public ResponsePacket decodeKeepingBytes() {
        return wire.codec.readResponseKeepingBytes(wire.read(frame));
    }
}
