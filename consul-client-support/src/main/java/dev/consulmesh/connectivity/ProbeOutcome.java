package dev.consulmesh.connectivity;

/** What a connectivity probe found at a node's registered address. */
public enum ProbeOutcome {

    /** It accepted a connection and answered a request (any answer, "no handler" included). */
    ANSWERS,
    /** The connection was refused: nothing listens on that address and port. */
    REFUSED,
    /** No connection within the probe timeout: packets are dropped on the way. */
    CONNECT_TIMEOUT,
    /** The network reports no route to the host. */
    NO_ROUTE,
    /** It accepted the connection but did not answer within the probe timeout. */
    NOT_ANSWERING,
    /** It accepted the connection but the TLS handshake failed. */
    TLS_FAILED,
    /** It accepted the connection, then closed or reset it before answering. */
    CLOSED,
    /** Any other failure. */
    OTHER
}
