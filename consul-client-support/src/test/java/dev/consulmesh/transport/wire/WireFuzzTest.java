package dev.consulmesh.transport.wire;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.AfterAll;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of what a peer's bytes go through before any handler: the frame decoder, fed
 * the bytes in chunks the fuzzer chooses, then request, event and response parsing and pattern routing
 * of every frame it hands on. The property: any bytes either decode into frames and packets or fail with
 * the transport's own {@link MalformedFrameException}, never with anything else, and the decoder never
 * buffers more than one length prefix and one frame of the maximum length.
 *
 * <p>{@code mvn verify} runs it in Jazzer's fuzzing mode (see this module's pom) for {@code maxDuration};
 * an input that breaks the property is saved under {@code src/test/resources/.../WireFuzzTestInputs/} and
 * from then on replayed first. Run alone: {@code mvn -pl consul-client-support -am test -Dtest=WireFuzzTest
 * -Dsurefire.failIfNoSpecifiedTests=false}: the plain test execution replays the saved inputs, the
 * {@code fuzz} execution fuzzes ({@code -Djazzer.max_duration=10m} for longer).
 */
class WireFuzzTest {

    private static final int MAX_FRAME_LENGTH = 4096;
    /** A prefix of up to 24 bytes plus '#', then at most 3 UTF-8 bytes per UTF-16 code unit. */
    private static final long MAX_BUFFERED_BYTES = 25 + 3L * MAX_FRAME_LENGTH;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final PacketCodec CODEC = new PacketCodec(MAPPER);
    private static final PatternRoute ROUTES = new PatternRoute(MAPPER);
    private static final AtomicLong inputs = new AtomicLong();
    private static final AtomicLong frames = new AtomicLong();
    private static final AtomicLong packets = new AtomicLong();
    private static final AtomicLong rejected = new AtomicLong();

    @FuzzTest(maxDuration = "30s")
    void anyBytesDecodeIntoPacketsOrFailWithTheTransportsOwnError(FuzzedDataProvider data) {
        inputs.incrementAndGet();
        FrameDecoder decoder = new FrameDecoder(MAX_FRAME_LENGTH);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        try {
            while (data.remainingBytes() > 0) {
                byte[] chunk = data.consumeBytes(data.consumeInt(1, 512));
                try {
                    channel.writeInbound(Unpooled.wrappedBuffer(chunk));
                } catch (DecoderException e) {
                    assertThat(e.getCause()).isInstanceOf(MalformedFrameException.class);
                    rejected.incrementAndGet();
                    return; // the connection would be closed here
                }
                assertThat((long) decoder.bufferedBytes()).isLessThanOrEqualTo(MAX_BUFFERED_BYTES);
                for (Object frame = channel.readInbound(); frame != null; frame = channel.readInbound()) {
                    frames.incrementAndGet();
                    parse((JsonFrame) frame);
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** Everything a server and a client do with one frame's text before a handler or a caller sees it. */
    private static void parse(JsonFrame json) {
        try {
            Packet inbound = CODEC.readInbound(json);
            JsonNode pattern = inbound instanceof RequestPacket request ? request.pattern() : ((EventPacket) inbound).pattern();
            ROUTES.ofIncoming(pattern);
            if (inbound instanceof RequestPacket request) {
                CODEC.write(ResponsePacket.noHandler(request.id(), CODEC.nodes()));
            }
            packets.incrementAndGet();
        } catch (MalformedFrameException notAPacket) {
            rejected.incrementAndGet();
        }
        try {
            ResponsePacket response = CODEC.readResponse(json);
            CODEC.write(response);
        } catch (MalformedFrameException notAResponse) {
            rejected.incrementAndGet();
        }
    }

    @AfterAll
    static void printWhatWasExecuted() {
        System.out.printf("WireFuzzTest: %d inputs executed, %d frames decoded, %d packets parsed, %d rejected with"
                + " MalformedFrameException%n", inputs.get(), frames.get(), packets.get(), rejected.get());
    }
}
