package dev.consulmesh.autoconfigure;

import dev.consulmesh.transport.client.IoThreads;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.resources.LoopResources;

/**
 * The I/O threads of this process's Reactor Netty web server, for the mesh client to run its node
 * connections on (property {@code mesh.client.share-web-server-threads}).
 */
record WebServerIoThreads(IoThreads io) {

    static WebServerIoThreads of(ReactorResourceFactory resources) {
        LoopResources loops = resources.getLoopResources();
        EventLoopGroup group = loops.onServer(LoopResources.DEFAULT_NATIVE);
        return new WebServerIoThreads(IoThreads.shared(group, loops.onChannelClass(SocketChannel.class, group)));
    }
}
