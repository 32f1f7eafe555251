package dev.consulmesh.gateway.edge;

import dev.consulmesh.logging.RateLimitedLog;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the open connections of the HTTP port, in all and per client address, and refuses one over
 * either limit with a 503 that says which limit: one client holding hundreds of half-open connections
 * must not take the port from everyone else.
 */
final class ConnectionLimits {

    private static final Logger log = LoggerFactory.getLogger(ConnectionLimits.class);

    private final int maxConnections;
    private final int maxPerClient;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perClient = new ConcurrentHashMap<>();
    private final RateLimitedLog refusals = new RateLimitedLog(log, Level.WARN, "refused a connection from");

    ConnectionLimits(int maxConnections, int maxPerClient) {
        this.maxConnections = maxConnections;
        this.maxPerClient = maxPerClient;
    }

    /** Counts a new connection until it closes; refuses it at once (and says false) when it is over a limit. */
    boolean admit(Channel channel) {
        InetAddress client = channel.remoteAddress() instanceof InetSocketAddress address ? address.getAddress() : null;
        int all = open.incrementAndGet();
        int mine = client == null ? 1 : perClient.merge(client, 1, Integer::sum);
        channel.closeFuture().addListener(closed -> release(client));
        if (all > maxConnections) {
            refuse(channel, "the gateway has " + maxConnections + " connections open (gateway.http.max-connections)");
            return false;
        }
        if (mine > maxPerClient) {
            refuse(channel, "this client has " + maxPerClient + " connections open (gateway.http.max-connections-per-client)");
            return false;
        }
        return true;
    }

    private void refuse(Channel channel, String why) {
        refusals.happened(channel.remoteAddress(), why);
        RawHttpAnswer.sendAndClose(channel, 503, "Service Unavailable", "connection refused: " + why);
    }

    private void release(InetAddress client) {
        open.decrementAndGet();
        if (client != null) {
            perClient.computeIfPresent(client, (address, count) -> count == 1 ? null : count - 1);
        }
    }

    int open() {
        return open.get();
    }

    long refused() {
        return refusals.count();
    }
}
