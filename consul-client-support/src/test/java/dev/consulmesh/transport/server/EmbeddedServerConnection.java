package dev.consulmesh.transport.server;

import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.transport.wire.LimitViolations;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.observation.MeshInstrumentation;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.LoggerFactory;

/** One server connection on an {@link EmbeddedChannel}, with the pipeline {@link TcpServer} builds for each. */
final class EmbeddedServerConnection {

    final LimitViolations violations = new LimitViolations("server", MeshMetrics.inMemory(),
            LoggerFactory.getLogger(EmbeddedServerConnection.class));
    final EmbeddedChannel channel;

    EmbeddedServerConnection(TcpServerProperties properties, HandlerRegistry registry, PacketCodec codec) {
        this(properties, registry, codec, MeshInstrumentation.NONE);
    }

    EmbeddedServerConnection(TcpServerProperties properties, HandlerRegistry registry, PacketCodec codec,
                             MeshInstrumentation instrumentation) {
        BlockingHandlerExecutor blocking = new BlockingHandlerExecutor(properties.getBlocking().getMaxConcurrency(),
                properties.getBlocking().getMaxQueued(), properties.prefix() + ".blocking", violations);
        ServerPipeline pipeline = new ServerPipeline(properties, null, new RequestDispatcher(registry, codec, violations, blocking,
                        new HandlerObservations(instrumentation, MeshMetrics.inMemory(), properties.getMaxDeadline())),
                violations, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));
        channel = new EmbeddedChannel(pipeline);
    }
}
