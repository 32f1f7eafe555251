package dev.consulmesh.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

import java.nio.charset.StandardCharsets;

/**
 * Writes a JSON text as a NestJS TCP frame: its length in UTF-16 code units, {@code #}, then the text
 * as UTF-8 with nothing after it.
 */
@ChannelHandler.Sharable
public final class FrameEncoder extends MessageToByteEncoder<String> {

    public FrameEncoder() {
        super(String.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, String json, ByteBuf out) {
        out.writeCharSequence(Integer.toString(json.length()), StandardCharsets.US_ASCII);
        out.writeByte('#');
        ByteBufUtil.writeUtf8(out, json);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, String json, boolean preferDirect) {
        int size = 12 + ByteBufUtil.utf8Bytes(json);
        return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
    }
}
