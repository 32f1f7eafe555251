package dev.consulmesh.bench.wire;

import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.wire.FrameDecoder;
import dev.consulmesh.transport.wire.FrameEncoder;
import dev.consulmesh.transport.wire.JsonFrame;
import dev.consulmesh.transport.wire.Packet;
import dev.consulmesh.transport.wire.PacketCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * One end of a connection's wire path, as the transport's pipelines run it: {@link PacketCodec} turns
 * packets into JSON (UTF-8 bytes) and back, {@link FrameEncoder} and {@link FrameDecoder} frame that text inside a
 * Netty pipeline (an {@link EmbeddedChannel}: no socket, the same handler calls and the same buffer
 * allocator as a real channel).
 */
final class ConnectionWire implements AutoCloseable {

    /** Inbound bytes arrive in reads of at most this size: the largest read Netty's adaptive allocator makes. */
    static final int READ_BYTES = 64 * 1024;

    final PacketCodec codec = new PacketCodec(new ObjectMapper());
    private final EmbeddedChannel writer = new EmbeddedChannel(new FrameEncoder());
    private final EmbeddedChannel reader = new EmbeddedChannel(
            new FrameDecoder(TcpClientOptions.defaults().maxFrameLength()));
    private final ByteBufAllocator alloc = writer.alloc();

    /** packet → JSON → frame bytes, as a sender writes them; the caller releases the buffer. */
    ByteBuf write(Packet packet) {
        writer.writeOutbound(codec.writeFrame(packet));
        return writer.readOutbound();
    }

    /**
     * Frame bytes → the frame's JSON bytes, as a receiver reads them: the bytes come in as pooled buffers of
     * at most {@link #READ_BYTES} each (the copy stands for the socket read), which the decoder gathers.
     */
    JsonFrame read(byte[] frame) {
        for (int offset = 0; offset < frame.length; offset += READ_BYTES) {
            int length = Math.min(READ_BYTES, frame.length - offset);
            reader.writeInbound(alloc.ioBuffer(length).writeBytes(frame, offset, length));
        }
        JsonFrame json = reader.readInbound();
        if (json == null) {
            throw new IllegalStateException("the decoder made no frame of " + frame.length + " bytes");
        }
        return json;
    }

    /** The frame bytes of a packet, for the reading benchmarks. */
    byte[] bytesOf(Packet packet) {
        ByteBuf buffer = write(packet);
        try {
            byte[] bytes = new byte[buffer.readableBytes()];
            buffer.readBytes(bytes);
            return bytes;
        } finally {
            buffer.release();
        }
    }

    @Override
    public void close() {
        writer.finishAndReleaseAll();
        reader.finishAndReleaseAll();
    }
}
