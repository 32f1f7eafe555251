package dev.consulmesh.gateway.resilience;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A listener on 127.0.0.2 at a node's TCP port that accepts every connection and closes it: what
 * Consul's TCP check of that node connects to when a test wants Consul to go on listing the node as
 * passing whatever happens to the node itself. The node listens on 127.0.0.1 at the same port.
 */
final class ConsulCheckStandIn implements AutoCloseable {

    static final String HOST = "127.0.0.2";

    private final ServerSocket socket;

    private ConsulCheckStandIn(ServerSocket socket) {
        this.socket = socket;
        Thread acceptor = new Thread(this::acceptUntilClosed, "consul-check-stand-in-" + socket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static ConsulCheckStandIn open(int port) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return new ConsulCheckStandIn(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + HOST + ":" + port + " for Consul's check", e);
        }
    }

    String host() {
        return HOST;
    }

    private void acceptUntilClosed() {
        while (!socket.isClosed()) {
            try (Socket ignored = socket.accept()) {
                // Consul's TCP check passes once the connection is made; nothing is read or written.
            } catch (IOException e) {
                // closed: the loop ends
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
