package dev.consulmesh.gateway.news;

import org.springframework.core.env.Environment;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Whether a request came in on the application's HTTP port (server.port), not the management server's.
 * Routes are handed to every server of the application: the management context's WebFlux takes its
 * parent's router functions, and Reactor Netty route providers go to every Netty server; the news route
 * belongs to the public port only.
 */
final class ApplicationPort {

    private final Environment environment;
    /** The port once the server listens (read once: a look-up through the environment per request costs). */
    private volatile int port = -1;

    ApplicationPort(Environment environment) {
        this.environment = environment;
    }

    /** @param local the address the request's connection was made to */
    boolean isPortOf(SocketAddress local) {
        return local instanceof InetSocketAddress address && address.getPort() == port();
    }

    private int port() {
        int known = port;
        if (known < 0) {
            known = environment.getProperty("local.server.port", Integer.class, -1);
            port = known;
        }
        return known;
    }
}
