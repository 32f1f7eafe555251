package dev.consulmesh.transport.wire;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class FrameDecoderTest {

    private static final int MAX_FRAME_LENGTH = 1024;

    private final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX_FRAME_LENGTH));

    @AfterEach
    void closeChannel() {
        channel.finishAndReleaseAll();
    }

    @Test
    void decodesAWholeFrame() {
        assertThat(decode(frame("{\"pattern\":\"p\",\"data\":1}"))).containsExactly("{\"pattern\":\"p\",\"data\":1}");
    }

    @Test
    void decodesSeveralFramesCoalescedInOneRead() {
        byte[] stream = concat(frame("{\"a\":1}"), frame("{\"b\":\"é\"}"), frame("{\"c\":\"😀\"}"), frame("{}"));

        assertThat(decode(stream)).containsExactly("{\"a\":1}", "{\"b\":\"é\"}", "{\"c\":\"😀\"}", "{}");
    }

    @Test
    void decodesTheSameFramesWhateverByteTheStreamIsSplitAt() {
        List<String> jsons = List.of("{\"a\":\"é\"}", "{\"日本\":\"語\"}", "{\"e\":\"😀x😀\"}", "{\"n\":12345}");
        byte[] stream = concat(jsons.stream().map(FrameDecoderTest::frame).toArray(byte[][]::new));

        for (int split = 1; split < stream.length; split++) {
            EmbeddedChannel fresh = new EmbeddedChannel(new FrameDecoder(MAX_FRAME_LENGTH));
            fresh.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(stream, 0, split)));
            fresh.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(stream, split, stream.length)));
            assertThat(readAll(fresh)).as("split at byte %d", split).containsExactlyElementsOf(jsons);
            fresh.finishAndReleaseAll();
        }
    }

    @Test
    void decodesAStreamArrivingOneByteAtATime() {
        List<String> jsons = List.of("{\"a\":\"é\"}", "{\"b\":\"日\"}", "{\"c\":\"😀\"}");
        byte[] stream = concat(jsons.stream().map(FrameDecoderTest::frame).toArray(byte[][]::new));

        List<String> decoded = new ArrayList<>();
        for (byte b : stream) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            decoded.addAll(readAll(channel));
        }

        assertThat(decoded).containsExactlyElementsOf(jsons);
    }

    @ParameterizedTest
    @ValueSource(strings = {"é", "日", "😀"})
    void joinsAMultibyteCharacterSplitAcrossReads(String character) {
        String json = "{\"s\":\"" + character + "\"}";
        byte[] bytes = frame(json);
        int characterStart = indexOf(bytes, character.getBytes(StandardCharsets.UTF_8));
        int width = character.getBytes(StandardCharsets.UTF_8).length;

        for (int inside = 1; inside < width; inside++) {
            EmbeddedChannel fresh = new EmbeddedChannel(new FrameDecoder(MAX_FRAME_LENGTH));
            int split = characterStart + inside;
            fresh.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, 0, split)));
            assertThat(readAll(fresh)).as("frame ends inside the character: nothing yet").isEmpty();
            fresh.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, split, bytes.length)));
            assertThat(readAll(fresh)).containsExactly(json);
            fresh.finishAndReleaseAll();
        }
    }

    @Test
    void countsTheLengthPrefixInUtf16CodeUnitsNotBytes() {
        String json = "{\"s\":\"é😀\"}"; // é is 1 unit and 2 bytes; 😀 is a surrogate pair: 2 units, 4 bytes
        assertThat(json).hasSize(11);
        assertThat(json.getBytes(StandardCharsets.UTF_8)).hasSize(14);
        byte[] stream = concat("11#".getBytes(StandardCharsets.US_ASCII), json.getBytes(StandardCharsets.UTF_8),
                frame("{}"));

        assertThat(decode(stream)).containsExactly(json, "{}");
    }

    @Test
    void countsAsciiRunsOfAnyLengthBetweenMultiByteCharactersInAnyChunking() {
        // The decoder skips ASCII eight bytes at a time: runs of every length around 8, next to
        // 2-, 3- and 4-byte characters, in frames cut into random chunks, must decode unchanged.
        java.util.Random random = new java.util.Random(8);
        String[] wide = {"é", "€", "😀"};
        for (int round = 0; round < 300; round++) {
            List<String> jsons = new ArrayList<>();
            for (int f = 0; f < 3; f++) {
                StringBuilder text = new StringBuilder("{\"s\":\"");
                for (int part = random.nextInt(6); part >= 0; part--) {
                    text.append("a".repeat(random.nextInt(20)));
                    if (random.nextBoolean()) {
                        text.append(wide[random.nextInt(wide.length)]);
                    }
                }
                jsons.add(text.append("\"}").toString());
            }
            byte[] stream = concat(jsons.stream().map(FrameDecoderTest::frame).toArray(byte[][]::new));
            EmbeddedChannel fresh = new EmbeddedChannel(new FrameDecoder(MAX_FRAME_LENGTH));
            for (int at = 0; at < stream.length; ) {
                int chunk = Math.min(stream.length - at, 1 + random.nextInt(24));
                fresh.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(stream, at, at + chunk)));
                at += chunk;
            }
            assertThat(readAll(fresh)).as("round %d", round).containsExactlyElementsOf(jsons);
            fresh.finishAndReleaseAll();
        }
    }

    @Test
    void decodesTheReferenceExampleOf77CharactersIn80Bytes() {
        String json = "{\"pattern\":\"unicode\",\"data\":\"é😀 fourteen more\",\"id\":\"0123456789abcdef01234\"}";
        assertThat(json).hasSize(77);
        assertThat(json.getBytes(StandardCharsets.UTF_8)).hasSize(80);

        assertThat(decode(concat("77#".getBytes(StandardCharsets.US_ASCII), json.getBytes(StandardCharsets.UTF_8))))
                .containsExactly(json);
    }

    @Test
    void waitsForTheRestOfAFrame() {
        byte[] bytes = frame("{\"a\":\"b\"}");

        assertThat(decode(Arrays.copyOf(bytes, bytes.length - 1))).isEmpty();
        assertThat(decode(new byte[] {bytes[bytes.length - 1]})).containsExactly("{\"a\":\"b\"}");
    }

    @Test
    void waitsForAPrefixWithoutItsHashYet() {
        assertThat(decode(ascii("11"))).isEmpty();
        assertThat(decode(ascii("#{\"a\":\"xyz\"}"))).containsExactly("{\"a\":\"xyz\"}");
    }

    /** Nest reads the prefix with {@code parseInt}: leading white space, then digits, then anything. */
    @ParameterizedTest
    @ValueSource(strings = {" 2#{}", "\t\n 2#{}", "2 #{}", "2abc#{}", "2.9#{}", "02#{}"})
    void readsTheLengthPrefixLikeNestsParseInt(String stream) {
        assertThat(decode(ascii(stream))).containsExactly("{}");
    }

    @Test
    void acceptsAPrefixOfExactlyTheLimitOf24Bytes() {
        String prefix = " ".repeat(23) + "2";

        assertThat(decode(ascii(prefix + "#{}"))).containsExactly("{}");
    }

    @Test
    void rejectsAPrefixWithNoHashWithin24Bytes() {
        // Nest has no such limit (only its 128 Mi character buffer cap); no real length needs 24 bytes.
        String prefix = " ".repeat(24) + "2";

        assertMalformed(catchThrowable(() -> channel.writeInbound(Unpooled.wrappedBuffer(ascii(prefix + "#{}")))),
                "no '#' within 24 bytes");
    }

    /**
     * Like Nest, a malformed frame drops the rest of what was buffered: closing the connection afterwards
     * does not decode the same bytes again (which would report the error a second time).
     */
    @Test
    void dropsWhatIsBufferedAfterAMalformedFrame() {
        assertMalformed(catchThrowable(() -> channel.writeInbound(Unpooled.wrappedBuffer(ascii("abc#{}2#{}")))),
                "not a number");

        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void rejectsAStreamOfDigitsWithNoHash() {
        assertMalformed(catchThrowable(() -> channel.writeInbound(Unpooled.wrappedBuffer(
                ascii("1234567890123456789012345678")))), "no '#'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc#{}", "#{}", " #{}", "x2#{}", "-#{}"})
    void rejectsAPrefixThatIsNotANumber(String stream) {
        assertMalformed(catchThrowable(() -> channel.writeInbound(Unpooled.wrappedBuffer(ascii(stream)))),
                "not a number");
    }

    /**
     * A sign is rejected. Nest's {@code parseInt} would take {@code +2} as 2 (and {@code -2} as -2, then
     * fail on the empty JSON text); no Nest peer writes a sign, so the stricter reading costs nothing.
     */
    @Test
    void rejectsASignBeforeTheDigits() {
        assertMalformed(catchThrowable(() -> channel.writeInbound(Unpooled.wrappedBuffer(ascii("+2#{}")))),
                "not a number");
    }

    @Test
    void rejectsALengthAboveTheMaximumBeforeReadingTheBody() {
        EmbeddedChannel small = new EmbeddedChannel(new FrameDecoder(64));

        Throwable thrown = catchThrowable(() -> small.writeInbound(Unpooled.wrappedBuffer(ascii("65#{"))));

        assertMalformed(thrown, "exceeds the maximum of 64");
        small.finishAndReleaseAll();
    }

    @Test
    void rejectsAHugeLengthWithoutOverflowing() {
        assertMalformed(catchThrowable(() -> channel.writeInbound(Unpooled.wrappedBuffer(
                ascii("99999999999999999999999#")))), "exceeds the maximum");
    }

    @Test
    void acceptsAFrameOfExactlyTheMaximumLength() {
        EmbeddedChannel small = new EmbeddedChannel(new FrameDecoder(64));
        String json = "{\"s\":\"" + "x".repeat(56) + "\"}";
        assertThat(json).hasSize(64);

        small.writeInbound(Unpooled.wrappedBuffer(frame(json)));

        assertThat(readAll(small)).containsExactly(json);
        small.finishAndReleaseAll();
    }

    /**
     * {@code 0#} is an empty JSON text: the decoder hands it on as it is, and the packet layer rejects
     * it, as Nest's {@code JSON.parse('')} does (see {@link PacketCodecTest}).
     */
    @Test
    void passesAnEmptyBodyOnAndGoesOnWithTheNextFrame() {
        assertThat(decode(ascii("0#2#{}"))).containsExactly("", "{}");
    }

    @Test
    void refusesANonPositiveMaximum() {
        assertThat(catchThrowable(() -> new FrameDecoder(0))).isInstanceOf(IllegalArgumentException.class);
        assertThat(catchThrowable(() -> new FrameDecoder(64, Duration.ZERO))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesWhichLimitAFrameBroke() {
        EmbeddedChannel small = new EmbeddedChannel(new FrameDecoder(64));
        Throwable tooLong = catchThrowable(() -> small.writeInbound(Unpooled.wrappedBuffer(ascii("65#"))));
        Throwable notANumber = catchThrowable(() -> channel.writeInbound(Unpooled.wrappedBuffer(ascii("x#{}"))));

        assertThat(limitOf(tooLong)).isEqualTo(TransportLimit.MAX_FRAME_LENGTH);
        assertThat(limitOf(notANumber)).isEqualTo(TransportLimit.MALFORMED_FRAME);
        small.finishAndReleaseAll();
    }

    @Test
    void failsAFrameStillIncompleteAfterTheFrameTimeoutAndDropsWhatItBuffered() {
        EmbeddedChannel timed = timedChannel(Duration.ofSeconds(30));
        timed.writeInbound(Unpooled.wrappedBuffer(ascii("9#{\"a\":")));

        timed.advanceTimeBy(29, TimeUnit.SECONDS);
        timed.runScheduledPendingTasks();
        timed.checkException();
        timed.advanceTimeBy(2, TimeUnit.SECONDS);
        timed.runScheduledPendingTasks();

        Throwable thrown = catchThrowable(timed::checkException);
        assertMalformed(thrown, "still incomplete 30000 ms after it began: 5 of 9 characters arrived");
        assertThat(limitOf(thrown)).isEqualTo(TransportLimit.FRAME_TIMEOUT);
        assertThat(decoderOf(timed).bufferedBytes()).isZero();
        timed.finishAndReleaseAll();
    }

    @Test
    void failsALengthPrefixThatNeverGetsItsHash() {
        EmbeddedChannel timed = timedChannel(Duration.ofSeconds(30));
        timed.writeInbound(Unpooled.wrappedBuffer(ascii("12")));

        timed.advanceTimeBy(31, TimeUnit.SECONDS);
        timed.runScheduledPendingTasks();

        assertMalformed(catchThrowable(timed::checkException), "its length prefix (2 bytes) has no '#' yet");
        timed.finishAndReleaseAll();
    }

    /** The timeout is per frame: a peer that keeps completing frames is never cut off, however long it talks. */
    @Test
    void givesEachFrameItsOwnTimeout() {
        EmbeddedChannel timed = timedChannel(Duration.ofSeconds(30));
        byte[] stream = concat(frame("{\"a\":1}"), frame("{\"b\":2}"), frame("{\"c\":3}"));
        List<String> decoded = new ArrayList<>();

        for (int at = 0; at < stream.length; at += 4) {
            timed.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(stream, at, Math.min(at + 4, stream.length))));
            decoded.addAll(readAll(timed));
            timed.advanceTimeBy(10, TimeUnit.SECONDS);
            timed.runScheduledPendingTasks();
            timed.checkException();
        }

        assertThat(decoded).containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}");
        timed.finishAndReleaseAll();
    }

    @Test
    void handsOnNoFrameWhileTheChannelDoesNotReadAndTheBufferedOnesOnResume() {
        channel.config().setAutoRead(false);
        channel.writeInbound(Unpooled.wrappedBuffer(concat(frame("{\"a\":1}"), frame("{\"b\":2}"))));
        assertThat(readAll(channel)).isEmpty();
        assertThat(decoderOf(channel).bufferedBytes()).isEqualTo(frame("{\"a\":1}").length * 2);

        channel.config().setAutoRead(true);
        channel.pipeline().fireUserEventTriggered(FrameDecoder.RESUME);

        assertThat(readAll(channel)).containsExactly("{\"a\":1}", "{\"b\":2}");
        assertThat(decoderOf(channel).bufferedBytes()).isZero();
    }

    /** A frame held back because the channel does not read is not late: its clock starts when reading resumes. */
    @Test
    void doesNotTimeOutWhileTheChannelDoesNotRead() {
        EmbeddedChannel timed = timedChannel(Duration.ofSeconds(30));
        timed.writeInbound(Unpooled.wrappedBuffer(ascii("7#{\"a\":")));
        timed.config().setAutoRead(false);
        timed.writeInbound(Unpooled.wrappedBuffer(ascii("1}")));

        timed.advanceTimeBy(60, TimeUnit.SECONDS);
        timed.runScheduledPendingTasks();
        timed.checkException();
        timed.config().setAutoRead(true);
        timed.pipeline().fireUserEventTriggered(FrameDecoder.RESUME);

        assertThat(readAll(timed)).containsExactly("{\"a\":1}");
        timed.finishAndReleaseAll();
    }

    /** So a handler that stops reading after one frame stops the frames that came in the same read too. */
    @Test
    void handsOnOneFrameAtATime() {
        List<Object> seen = new ArrayList<>();
        EmbeddedChannel stopping = new EmbeddedChannel(new FrameDecoder(MAX_FRAME_LENGTH), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object frame) {
                seen.add(((JsonFrame) frame).text());
                ctx.channel().config().setAutoRead(false);
            }
        });

        stopping.writeInbound(Unpooled.wrappedBuffer(concat(frame("{\"a\":1}"), frame("{\"b\":2}"), frame("{\"c\":3}"))));
        assertThat(seen).containsExactly("{\"a\":1}");

        stopping.config().setAutoRead(true);
        stopping.pipeline().fireUserEventTriggered(FrameDecoder.RESUME);
        assertThat(seen).containsExactly("{\"a\":1}", "{\"b\":2}");
        stopping.finishAndReleaseAll();
    }

    /** A frame of the maximum length trickled one byte per read decodes (each byte is walked once). */
    @Test
    void decodesAFrameOfTheMaximumLengthArrivingOneByteAtATime() {
        EmbeddedChannel large = new EmbeddedChannel(new FrameDecoder(1 << 16));
        String json = "{\"s\":\"" + "é".repeat((1 << 16) - 8) + "\"}";
        assertThat(json).hasSize(1 << 16);
        List<String> decoded = new ArrayList<>();

        for (byte b : frame(json)) {
            large.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            decoded.addAll(readAll(large));
        }

        assertThat(decoded).containsExactly(json);
        large.finishAndReleaseAll();
    }

    private static EmbeddedChannel timedChannel(Duration frameTimeout) {
        EmbeddedChannel timed = new EmbeddedChannel();
        timed.freezeTime();
        timed.pipeline().addLast(new FrameDecoder(MAX_FRAME_LENGTH, frameTimeout));
        return timed;
    }

    private static FrameDecoder decoderOf(EmbeddedChannel channel) {
        return channel.pipeline().get(FrameDecoder.class);
    }

    private static TransportLimit limitOf(Throwable thrown) {
        Throwable reason = thrown instanceof DecoderException && thrown.getCause() != null ? thrown.getCause() : thrown;
        return ((MalformedFrameException) reason).limit();
    }

    private List<String> decode(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        return readAll(channel);
    }

    private static List<String> readAll(EmbeddedChannel channel) {
        List<String> frames = new ArrayList<>();
        for (Object frame = channel.readInbound(); frame != null; frame = channel.readInbound()) {
            frames.add(((JsonFrame) frame).text());
        }
        return frames;
    }

    static void assertMalformed(Throwable thrown, String messagePart) {
        Throwable reason = thrown instanceof DecoderException && thrown.getCause() != null ? thrown.getCause() : thrown;
        assertThat(reason).isInstanceOf(MalformedFrameException.class).hasMessageContaining(messagePart);
    }

    static byte[] frame(String json) {
        return (json.length() + "#" + json).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found");
    }
}
