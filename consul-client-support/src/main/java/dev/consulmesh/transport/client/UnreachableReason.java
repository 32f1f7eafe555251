package dev.consulmesh.transport.client;

/** Why a request could not be written to a node. */
public enum UnreachableReason {

    /** Nothing listens on the port: the node is down, or listens on another address. */
    REFUSED("a refused connection"),
    /** The connection was not made within the connect timeout: a firewall drops it, or the route is wrong. */
    CONNECT_TIMEOUT("a connection that was not made in time"),
    /** The network says the host or network cannot be reached. */
    NO_ROUTE("no route to it"),
    /** The connection was reset or closed before the request was written. */
    RESET("a reset connection"),
    /** The TLS handshake failed: an untrusted or mismatched certificate, or a peer that does not speak TLS. */
    TLS_HANDSHAKE("a failed TLS handshake"),
    /** The client was closed on this side (the node left the healthy set). */
    CLIENT_CLOSED("its client closed on this side"),
    /** Anything else the operating system reported. */
    OTHER("a failed connection");

    private final String description;

    UnreachableReason(String description) {
        this.description = description;
    }

    /** The reason in a few words, fit to follow "after" in a log line. */
    public String description() {
        return description;
    }
}
