package dev.consulmesh.transport.server;

import tools.jackson.databind.JsonNode;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.ResponsePacket;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.SignalType;

import java.util.ArrayDeque;
import java.util.function.Consumer;


/**
 * Writes a handler's values as response packets, one per value, the way Nest does: values are queued
 * and flushed on the connection's event loop; when the stream ends while values are still queued,
 * the last of them carries {@code isDisposed}, otherwise a separate {@code {"isDisposed":true,"id":..}}
 * follows. An error sends {@code err}. When the connection closes, the handler's stream is cancelled.
 * What a handler answered before it returned is written at once by {@link #writeQueued()}.
 */
final class ResponseStreamWriter extends BaseSubscriber<Object> {

    private final Channel channel;
    private final JsonNode id;
    private final PacketCodec codec;
    private final RpcErrors errors;
    private final Consumer<Throwable> unintendedErrorLog;
    private final AnswersWritten onWritten;
    private final Runnable onDone;
    private final ArrayDeque<ResponsePacket> queue = new ArrayDeque<>();
    private final ChannelFutureListener cancelOnClose = closed -> dispose();
    private boolean flushScheduled;

    /** Told on the event loop after packets were written to the channel, and whether the final one was among them. */
    interface AnswersWritten {
        void written(boolean finalAnswer);
    }

    /**
     * @param onWritten called on the event loop after packets were written to the channel
     * @param onDone    called once the handler's stream ended, however it ended
     */
    ResponseStreamWriter(Channel channel, JsonNode id, PacketCodec codec, RpcErrors errors,
                         Consumer<Throwable> unintendedErrorLog, AnswersWritten onWritten, Runnable onDone) {
        this.channel = channel;
        this.id = id;
        this.codec = codec;
        this.errors = errors;
        this.unintendedErrorLog = unintendedErrorLog;
        this.onWritten = onWritten;
        this.onDone = onDone;
    }

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
        channel.closeFuture().addListener(cancelOnClose);
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    protected void hookOnNext(Object value) {
        JsonNode node = value instanceof JsonNode json ? json : codec.serialized(value);
        enqueue(ResponsePacket.value(id, node, false), false);
    }

    @Override
    protected void hookOnComplete() {
        enqueue(ResponsePacket.completion(id), true);
    }

    @Override
    protected void hookOnError(Throwable error) {
        if (!RpcErrors.isIntended(error)) {
            unintendedErrorLog.accept(error);
        }
        enqueue(ResponsePacket.error(id, errors.toErr(error)), false);
    }

    @Override
    protected void hookFinally(SignalType type) {
        channel.closeFuture().removeListener(cancelOnClose);
        onDone.run();
    }

    private void enqueue(ResponsePacket packet, boolean completion) {
        synchronized (queue) {
            ResponsePacket last = completion ? queue.peekLast() : null;
            if (last != null && last.response() != null) {
                queue.pollLast();
                queue.add(ResponsePacket.value(id, last.response(), true));
            } else {
                queue.add(packet);
            }
            if (flushScheduled) {
                return;
            }
            flushScheduled = true;
        }
        channel.eventLoop().execute(this::flush);
    }

    private void flush() {
        synchronized (queue) {
            flushScheduled = false;
        }
        writeQueued();
        channel.flush();
    }

    /** Writes the queued packets to the channel without flushing; on the channel's event loop only. */
    void writeQueued() {
        boolean written = false;
        boolean answered = false;
        synchronized (queue) {
            if (!channel.isActive()) {
                queue.clear();
                return;
            }
            ResponsePacket packet;
            while ((packet = queue.poll()) != null) {
                channel.write(codec.writeFrame(packet), channel.voidPromise());
                written = true;
                answered |= packet.disposed();
            }
        }
        if (written) {
            onWritten.written(answered);
        }
    }
}
