package dev.consulmesh.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Splits the inbound byte stream into NestJS TCP frames, {@code <length>#<json>}, and emits each
 * frame's JSON text as a {@link JsonFrame} (its UTF-8 bytes).
 *
 * <p>The length counts UTF-16 code units of the JSON text (JavaScript's {@code .length}), while the
 * text travels as UTF-8, so the decoder walks the UTF-8 bytes counting code units until it has the
 * whole frame; bytes already counted are not walked again when more arrive. Frames split across reads,
 * several frames in one read and characters split across reads all decode the same. The prefix is read
 * like Nest's {@code parseInt}: optional leading white space, then digits; anything after the digits and
 * before {@code #} is ignored.
 *
 * <p>Limits, each raising {@link MalformedFrameException} with its {@link TransportLimit} (the connection
 * handler then closes that connection, as Nest does): a prefix that is not a number, a length over
 * {@code maxFrameLength}, and a frame still incomplete {@code frameTimeout} after its first byte arrived.
 * What the decoder buffers is so bounded by one prefix and one frame of {@code maxFrameLength} characters.
 *
 * <p>Frames are handed on one at a time, and none while the channel's auto-read is off: a handler that
 * stops reading from a peer also stops the frames that peer already sent. Fire {@link #RESUME} after
 * turning auto-read on again to hand on the frames buffered meanwhile.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    /** The timeout Nest applies to a frame left incomplete. */
    public static final Duration DEFAULT_FRAME_TIMEOUT = Duration.ofSeconds(30);

    /** User event: hand on the frames buffered while the channel did not read. */
    public static final Object RESUME = new Object() {
        @Override
        public String toString() {
            return "FrameDecoder.RESUME";
        }
    };

    /** A length prefix longer than this many bytes cannot be a valid frame length. */
    private static final int MAX_PREFIX_BYTES = 24;

    private final int maxFrameLength;
    private final long frameTimeoutNanos;

    /** Length of the frame being read, or -1 while its prefix is still being read. */
    private long expectedUnits = -1;
    /** The frame body walked so far, from the reader index: bytes and the code units they hold. */
    private final Utf8Walk walk = new Utf8Walk();
    /** Fails the frame being read when it is still incomplete at its deadline; null when none is waited for. */
    private ScheduledFuture<?> frameDeadline;

    public FrameDecoder(int maxFrameLength) {
        this(maxFrameLength, DEFAULT_FRAME_TIMEOUT);
    }

    public FrameDecoder(int maxFrameLength, Duration frameTimeout) {
        if (maxFrameLength <= 0) {
            throw new IllegalArgumentException("maxFrameLength must be positive, got " + maxFrameLength);
        }
        if (frameTimeout == null || frameTimeout.isNegative() || frameTimeout.isZero()) {
            throw new IllegalArgumentException("frameTimeout must be positive, got " + frameTimeout);
        }
        this.maxFrameLength = maxFrameLength;
        this.frameTimeoutNanos = frameTimeout.toNanos();
    }

    /** Bytes received and not handed on yet: a partial frame, or frames held back while the channel does not read. */
    public int bufferedBytes() {
        return actualReadableBytes();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!ctx.channel().config().isAutoRead()) {
            // Held back, not late: the peer's frame timeout starts again when reading resumes.
            cancelFrameDeadline();
            return;
        }
        if (expectedUnits < 0 && !readPrefix(in)) {
            awaitRestOfFrame(ctx);
            return;
        }
        int bodyBytes = bytesForCodeUnits(in);
        if (bodyBytes < 0) {
            awaitRestOfFrame(ctx);
            return;
        }
        cancelFrameDeadline();
        byte[] body = new byte[bodyBytes];
        in.readBytes(body);
        out.add(new JsonFrame(body));
        expectedUnits = -1;
        walk.reset();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == RESUME) {
            // Decodes what is buffered as if it had just arrived; readComplete lets the handlers flush.
            channelRead(ctx, Unpooled.EMPTY_BUFFER);
            channelReadComplete(ctx);
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelFrameDeadline();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelFrameDeadline();
        super.channelInactive(ctx);
    }

    /** Reads {@code <digits>#}; returns false when the prefix is not complete yet. */
    private boolean readPrefix(ByteBuf in) {
        int start = in.readerIndex();
        int searchable = Math.min(in.readableBytes(), MAX_PREFIX_BYTES + 1);
        int hash = in.indexOf(start, start + searchable, (byte) '#');
        if (hash < 0) {
            if (in.readableBytes() > MAX_PREFIX_BYTES) {
                throw malformed(in, TransportLimit.MALFORMED_FRAME, "frame length prefix has no '#' within "
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
                throw malformed(in, TransportLimit.MAX_FRAME_LENGTH, "frame length " + printable(in, start, end - start)
                        + " exceeds the maximum of " + maxFrameLength + " characters");
            }
        }
        if (digits == 0) {
            throw malformed(in, TransportLimit.MALFORMED_FRAME, "frame length prefix is not a number: '"
                    + printable(in, start, end - start) + "'");
        }
        return value;
    }

    /**
     * Drops everything buffered, as Nest does: otherwise closing the connection decodes the same bytes
     * again and reports the error twice.
     */
    private MalformedFrameException malformed(ByteBuf in, TransportLimit limit, String message) {
        in.skipBytes(in.readableBytes());
        expectedUnits = -1;
        walk.reset();
        return new MalformedFrameException(limit, message);
    }

    /**
     * Returns how many bytes from the reader index hold the frame's {@code expectedUnits} UTF-16 code units
     * of UTF-8 text, or -1 when they have not all arrived yet. The walk goes on from where the previous
     * call stopped.
     */
    private int bytesForCodeUnits(ByteBuf in) {
        walk.advance(in, in.readerIndex(), in.writerIndex(), expectedUnits);
        return walk.units() >= expectedUnits ? walk.bytes() : -1;
    }

    /**
     * Starts the frame timeout when a frame has begun and is not complete yet (not for a connection
     * that is closing and decoding what it has left).
     */
    private void awaitRestOfFrame(ChannelHandlerContext ctx) {
        if (frameDeadline == null && ctx.channel().isActive()) {
            frameDeadline = ctx.executor().schedule(() -> frameTimedOut(ctx), frameTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void frameTimedOut(ChannelHandlerContext ctx) {
        frameDeadline = null;
        if (!ctx.channel().isActive() || !ctx.channel().config().isAutoRead()) {
            return; // closed, or not read on purpose: the next decode after reading resumes starts it again
        }
        ByteBuf buffered = internalBuffer();
        String progress = expectedUnits < 0
                ? "its length prefix (" + buffered.readableBytes() + " bytes) has no '#' yet"
                : walk.units() + " of " + expectedUnits + " characters arrived";
        MalformedFrameException timedOut = new MalformedFrameException(TransportLimit.FRAME_TIMEOUT,
                "frame still incomplete " + TimeUnit.NANOSECONDS.toMillis(frameTimeoutNanos) + " ms after it began: "
                        + progress);
        buffered.skipBytes(buffered.readableBytes());
        expectedUnits = -1;
        walk.reset();
        ctx.fireExceptionCaught(timedOut);
    }

    private void cancelFrameDeadline() {
        if (frameDeadline != null) {
            frameDeadline.cancel(false);
            frameDeadline = null;
        }
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
