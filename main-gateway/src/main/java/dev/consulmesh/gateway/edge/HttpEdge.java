package dev.consulmesh.gateway.edge;

import dev.consulmesh.logging.RateLimitedLog;
import io.netty.channel.ChannelPipeline;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.NettyPipeline;

/**
 * The public HTTP port's limits against clients that never finish a request or hold connections open
 * ({@link HttpEdgeProperties}): each connection is counted against the connection caps, gets a
 * deadline for its request headers, and Reactor Netty's request timeout for its body.
 */
@Configuration(proxyBeanMethods = false)
public class HttpEdge {

    private static final Logger log = LoggerFactory.getLogger(HttpEdge.class);

    @Bean
    NettyServerCustomizer httpEdgeLimits(HttpEdgeProperties properties) {
        ConnectionLimits limits = new ConnectionLimits(properties.getMaxConnections(), properties.getMaxConnectionsPerClient());
        RateLimitedLog slowHeaders = new RateLimitedLog(log, Level.WARN, "closed a connection from");
        return server -> server
                .requestTimeout(properties.getBodyTimeout())
                // Once per connection, as it opens: a request that never completes its headers never reaches
                // doOnConnection, which Reactor Netty calls when a request has been read.
                .doOnChannelInit((observer, channel, remoteAddress) -> {
                    if (!limits.admit(channel)) {
                        return;
                    }
                    ChannelPipeline pipeline = channel.pipeline();
                    if (pipeline.get(NettyPipeline.HttpCodec) == null) {
                        return; // not plain HTTP/1.1 (h2c, or TLS first): Reactor Netty's own timeouts apply
                    }
                    HeaderDeadline deadline = new HeaderDeadline(properties.getHeaderTimeout(), slowHeaders);
                    pipeline.addBefore(NettyPipeline.HttpCodec, "gateway.headerDeadline.firstBytes", deadline.new FirstBytes());
                    pipeline.addAfter(NettyPipeline.HttpCodec, "gateway.headerDeadline.headersRead", deadline.new HeadersRead());
                });
    }
}
