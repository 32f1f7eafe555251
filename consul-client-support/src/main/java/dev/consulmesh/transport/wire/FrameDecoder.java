package dev.consulmesh.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Splits the inbound byte stream into NestJS TCP frames, {@code <length>#<json>}, and emits each
 * frame's JSON text as a {@link String}.
 *
 * <p>The length counts UTF-16 code units of the JSON text (JavaScript's {@code .length}), while the
 * text travels as UTF-8, so the decoder walks the UTF-8 bytes counting code units until it has the
 * whole frame. Frames split across reads, several frames in one read and characters split across
 * reads all decode the same. The prefix is read like Nest's {@code parseInt}: optional leading
 * white space, then digits; anything after the digits and before {@code #} is ignored.
 *
 * <p>A prefix that is not a number, or a length over {@code maxFrameLength}, raises
 * {@link MalformedFrameException}: the connection handler closes that connection, as Nest does.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    /** A length prefix longer than this many bytes cannot be a valid frame length. */
    private static final int MAX_PREFIX_BYTES = 24;

    private final int maxFrameLength;

    /** Length of the frame being read, or -1 while its prefix is still being read. */
    private long expectedUnits = -1;

    public FrameDecoder(int maxFrameLength) {
        if (maxFrameLength <= 0) {
            throw new IllegalArgumentException("maxFrameLength must be positive, got " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (expectedUnits < 0 && !readPrefix(in)) {
                return;
            }
            int bodyBytes = bytesForCodeUnits(in, expectedUnits);
            if (bodyBytes < 0) {
                return;
            }
            out.add(in.readCharSequence(bodyBytes, StandardCharsets.UTF_8).toString());
            expectedUnits = -1;
        }
    }

    /** Reads {@code <digits>#}; returns false when the prefix is not complete yet. */
    private boolean readPrefix(ByteBuf in) {
        int start = in.readerIndex();
        int searchable = Math.min(in.readableBytes(), MAX_PREFIX_BYTES + 1);
        int hash = in.indexOf(start, start + searchable, (byte) '#');
        if (hash < 0) {
            if (in.readableBytes() > MAX_PREFIX_BYTES) {
                throw malformed(in, "frame length prefix has no '#' within "
                        + MAX_PREFIX_BYTES + " bytes: " + printable(in, start, MAX_PREFIX_BYTES));
            }
            return false;
        }
        expectedUnits = parseLength(in, start, hash);
        in.readerIndex(hash + 1);
        return true;
    }

    private long parseLength(ByteBuf in, int start, int end) {
        int i = start;
        while (i < end && Character.isWhitespace(in.getByte(i))) {
            i++;
        }
        long value = 0;
        int digits = 0;
        for (; i < end; i++) {
            byte b = in.getByte(i);
            if (b < '0' || b > '9') {
                break;
            }
            value = value * 10 + (b - '0');
            digits++;
            if (value > maxFrameLength) {
                throw malformed(in, "frame length " + printable(in, start, end - start)
                        + " exceeds the maximum of " + maxFrameLength + " characters");
            }
        }
        if (digits == 0) {
            throw malformed(in, "frame length prefix is not a number: '"
                    + printable(in, start, end - start) + "'");
        }
        return value;
    }

    /**
     * Drops everything buffered, as Nest does: otherwise closing the connection decodes the same bytes
     * again and reports the error twice.
     */
    private static MalformedFrameException malformed(ByteBuf in, String message) {
        in.skipBytes(in.readableBytes());
        return new MalformedFrameException(message);
    }

    /**
     * Returns how many bytes from the reader index hold {@code units} UTF-16 code units of UTF-8 text,
     * or -1 when they have not all arrived yet. A 4-byte UTF-8 sequence is a surrogate pair: 2 units.
     */
    private static int bytesForCodeUnits(ByteBuf in, long units) {
        int index = in.readerIndex();
        int end = in.writerIndex();
        long counted = 0;
        while (counted < units) {
            if (index >= end) {
                return -1;
            }
            int lead = in.getByte(index) & 0xFF;
            int width;
            if (lead < 0x80) {
                width = 1;
            } else if (lead >= 0xF0) {
                width = 4;
            } else if (lead >= 0xE0) {
                width = 3;
            } else if (lead >= 0xC0) {
                width = 2;
            } else {
                width = 1; // a stray continuation byte decodes to one replacement character
            }
            counted += width == 4 ? 2 : 1;
            index += width;
        }
        return index > end ? -1 : index - in.readerIndex();
    }

    private static String printable(ByteBuf in, int from, int length) {
        int n = Math.min(length, Math.min(MAX_PREFIX_BYTES, in.writerIndex() - from));
        StringBuilder text = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            int c = in.getByte(from + i) & 0xFF;
            text.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return text.toString();
    }
}
