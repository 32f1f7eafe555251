package dev.consulmesh.gateway.edge;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

import java.nio.charset.StandardCharsets;

/**
 * An answer written as bytes at the head of a connection's pipeline, below the HTTP codec, and the
 * connection closed after it: for refusals made before (or instead of) a request being read, when
 * there is no request for the HTTP layer to answer.
 */
final class RawHttpAnswer {

    private RawHttpAnswer() {
    }

    static void sendAndClose(Channel channel, int status, String reason, String message) {
        String body = "{\"status\":" + status + ",\"error\":\"" + reason + "\",\"message\":\"" + message + "\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + bytes.length + "\r\n"
                + "Connection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        channel.pipeline().firstContext()
                .writeAndFlush(Unpooled.wrappedBuffer(headBytes, bytes))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
