package dev.consulmesh.transport.tls;

import io.netty.handler.ssl.SslContext;

import java.util.Objects;

/**
 * The TLS context new connections use now. Read once per connection (a server's accept, a client's
 * connect): when its SSL bundle is updated the context is replaced, so new connections present the
 * rotated certificate while open ones keep the session they negotiated.
 */
public final class CurrentTlsContext {

    private final String source;
    private volatile SslContext context;

    CurrentTlsContext(SslContext context, String source) {
        this.context = Objects.requireNonNull(context, "context");
        this.source = source;
    }

    /** A context that never changes, e.g. one built from PEM files. */
    public static CurrentTlsContext fixed(SslContext context) {
        return new CurrentTlsContext(context, "a fixed TLS context");
    }

    /** The context for a connection being opened now. */
    public SslContext get() {
        return context;
    }

    /** Where the context comes from, for logs: "PEM files", "SSL bundle 'mesh-node'". */
    public String source() {
        return source;
    }

    void replace(SslContext next) {
        context = Objects.requireNonNull(next, "next");
    }
}
