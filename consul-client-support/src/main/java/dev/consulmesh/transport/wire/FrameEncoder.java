package dev.consulmesh.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

import java.nio.charset.StandardCharsets;

/**
 * Writes a JSON text as a NestJS TCP frame: its length in UTF-16 code units, {@code #}, then the text
 * as UTF-8 with nothing after it. The text arrives as UTF-8 bytes ({@link JsonFrame}) and is copied once.
 */
@ChannelHandler.Sharable
public final class FrameEncoder extends MessageToByteEncoder<JsonFrame> {

    public FrameEncoder() {
        super(JsonFrame.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, JsonFrame json, ByteBuf out) {
        byte[] utf8 = json.utf8();
        Utf8Walk walk = new Utf8Walk();
        walk.advance(Unpooled.wrappedBuffer(utf8), 0, utf8.length, Long.MAX_VALUE);
        out.writeCharSequence(Long.toString(walk.units()), StandardCharsets.US_ASCII);
        out.writeByte('#');
        out.writeBytes(utf8);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, JsonFrame json, boolean preferDirect) {
        int size = 12 + json.utf8().length;
        return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
    }
}
