package dev.consulmesh.transport.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.ResponsePacket;
import io.netty.channel.Channel;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

import java.util.function.Consumer;

/**
 * Writes a handler's values as response packets, one per value, holding each value back until the
 * next one or the end arrives so that the last packet carries {@code isDisposed}; a stream that ends
 * with no value sends {@code {"isDisposed":true,"id":...}}, an error sends {@code err}.
 */
final class ResponseStreamWriter extends BaseSubscriber<Object> {

    private final Channel channel;
    private final JsonNode id;
    private final PacketCodec codec;
    private final RpcErrors errors;
    private final Consumer<Throwable> unintendedErrorLog;
    private final Runnable onDone;
    private JsonNode heldBack;

    ResponseStreamWriter(Channel channel, JsonNode id, PacketCodec codec, RpcErrors errors,
                         Consumer<Throwable> unintendedErrorLog, Runnable onDone) {
        this.channel = channel;
        this.id = id;
        this.codec = codec;
        this.errors = errors;
        this.unintendedErrorLog = unintendedErrorLog;
        this.onDone = onDone;
    }

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    protected void hookOnNext(Object value) {
        ObjectMapper mapper = codec.mapper();
        JsonNode node = value instanceof JsonNode json ? json : mapper.valueToTree(value);
        if (heldBack != null) {
            send(ResponsePacket.value(id, heldBack, false));
        }
        heldBack = node;
    }

    @Override
    protected void hookOnComplete() {
        send(heldBack != null ? ResponsePacket.value(id, heldBack, true) : ResponsePacket.completion(id));
    }

    @Override
    protected void hookOnError(Throwable error) {
        if (heldBack != null) {
            send(ResponsePacket.value(id, heldBack, false));
        }
        if (!RpcErrors.isIntended(error)) {
            unintendedErrorLog.accept(error);
        }
        send(ResponsePacket.error(id, errors.toErr(error)));
    }

    @Override
    protected void hookFinally(reactor.core.publisher.SignalType type) {
        onDone.run();
    }

    private void send(ResponsePacket packet) {
        heldBack = null;
        if (channel.isActive()) {
            channel.writeAndFlush(codec.write(packet), channel.voidPromise());
        }
    }
}
