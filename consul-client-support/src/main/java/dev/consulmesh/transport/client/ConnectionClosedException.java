package dev.consulmesh.transport.client;

/** The connection closed while the request was waiting for its answer. */
public class ConnectionClosedException extends TransportException {

    public ConnectionClosedException(String node) {
        super(node, "connection to " + node + " closed before the answer arrived", null);
    }

    @Override
    public boolean mayHaveReachedHandler() {
        return true;
    }
}
