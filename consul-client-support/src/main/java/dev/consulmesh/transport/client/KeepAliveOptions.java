package dev.consulmesh.transport.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import jdk.net.ExtendedSocketOptions;

import java.time.Duration;

/**
 * TCP keepalive on a client connection: idle time, probe interval and count are set through the
 * option names of the channel type in use (NIO or native epoll).
 */
final class KeepAliveOptions {

    private KeepAliveOptions() {
    }

    static void apply(Bootstrap bootstrap, Class<? extends SocketChannel> channelType, TcpClientOptions.KeepAlive keepAlive) {
        bootstrap.option(ChannelOption.SO_KEEPALIVE, true);
        if (NioSocketChannel.class.isAssignableFrom(channelType)) {
            bootstrap.option(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), seconds(keepAlive.idle()))
                    .option(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), seconds(keepAlive.interval()))
                    .option(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), keepAlive.count());
        } else if ("io.netty.channel.epoll.EpollSocketChannel".equals(channelType.getName())) {
            Epoll.apply(bootstrap, keepAlive);
        }
    }

    private static int seconds(Duration duration) {
        return (int) Math.max(1, duration.toSeconds());
    }

    /** Loaded only when the channels are epoll ones, so the epoll classes are needed only then. */
    private static final class Epoll {
        static void apply(Bootstrap bootstrap, TcpClientOptions.KeepAlive keepAlive) {
            bootstrap.option(EpollChannelOption.TCP_KEEPIDLE, seconds(keepAlive.idle()))
                    .option(EpollChannelOption.TCP_KEEPINTVL, seconds(keepAlive.interval()))
                    .option(EpollChannelOption.TCP_KEEPCNT, keepAlive.count());
        }
    }
}
