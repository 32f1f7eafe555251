package dev.consulmesh.transport.client;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The I/O threads clients run their connections on, with the channel type that fits them (NIO, or
 * epoll when they are a web server's native threads). A {@link TcpClient} keeps one connection per
 * thread it is called from, so a call made on one of these threads — a web request being served
 * there — writes, reads its answer and completes on that same thread, with no hand-over between threads.
 */
public final class IoThreads implements AutoCloseable {

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelType;
    private final boolean owned;
    private final EventLoop[] loops;

    private IoThreads(EventLoopGroup group, Class<? extends SocketChannel> channelType, boolean owned) {
        this.group = group;
        this.channelType = channelType;
        this.owned = owned;
        List<EventLoop> members = new ArrayList<>();
        for (EventExecutor executor : group) {
            members.add((EventLoop) executor);
        }
        if (members.isEmpty()) {
            throw new IllegalArgumentException("the event loop group " + group + " has no threads");
        }
        this.loops = members.toArray(EventLoop[]::new);
    }

    /** NIO threads of their own, named {@code name-N}, closed with {@link #close()}; 0 threads: Netty's default count. */
    public static IoThreads dedicated(String name, int threads) {
        return new IoThreads(new NioEventLoopGroup(threads, new DefaultThreadFactory(name, true)), NioSocketChannel.class, true);
    }

    /** Threads someone else owns (a web server's), with the channel type that runs on them; {@link #close()} leaves them. */
    public static IoThreads shared(EventLoopGroup group, Class<? extends SocketChannel> channelType) {
        return new IoThreads(group, channelType, false);
    }

    /** A NIO group the caller owns (tools and tests that made their own). */
    public static IoThreads of(EventLoopGroup group) {
        return new IoThreads(group, NioSocketChannel.class, false);
    }

    public EventLoopGroup group() {
        return group;
    }

    public Class<? extends SocketChannel> channelType() {
        return channelType;
    }

    int size() {
        return loops.length;
    }

    EventLoop loop(int slot) {
        return loops[slot];
    }

    /** The index of the calling thread among these threads, or 0 when it is none of them. */
    int slotOfCurrentThread() {
        for (int i = 0; i < loops.length; i++) {
            if (loops[i].inEventLoop()) {
                return i;
            }
        }
        return 0;
    }

    @Override
    public void close() {
        if (owned) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
    }
}
