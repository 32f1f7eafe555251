package dev.consulmesh.transport.client;

/** Why a request could not be written to a node. */
public enum UnreachableReason {

    /** Nothing listens on the port: the node is down, or listens on another address. */
    REFUSED,
    /** The connection was not made within the connect timeout: a firewall drops it, or the route is wrong. */
    CONNECT_TIMEOUT,
    /** The network says the host or network cannot be reached. */
    NO_ROUTE,
    /** The connection was reset or closed before the request was written. */
    RESET,
    /** The TLS handshake failed: an untrusted or mismatched certificate, or a peer that does not speak TLS. */
    TLS_HANDSHAKE,
    /** The client was closed on this side (the node left the healthy set). */
    CLIENT_CLOSED,
    /** Anything else the operating system reported. */
    OTHER
}
