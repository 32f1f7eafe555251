package dev.consulmesh.client;

import reactor.util.context.Context;
import reactor.util.context.ContextView;

import java.util.function.Function;

/**
 * Hands the request headers of the call a process serves (an HTTP request at a gateway) to the mesh
 * calls it makes for it, through Reactor's context: a canary rule with a header
 * ({@code mesh.client.services.<service>.canary.header}) reads them. The mesh's TCP packets have no
 * headers of their own; nothing of these goes on the wire.
 * <pre>{@code
 * mesh.send("news", "list", data, type).contextWrite(CallHeaders.from(request.getHeaders()::getFirst))
 * }</pre>
 */
public final class CallHeaders {

    private static final Object KEY = CallHeaders.class;

    private CallHeaders() {
    }

    /**
     * Puts the headers into the context of the calls made in this chain.
     *
     * @param headers a header's value by name (case-insensitively, as HTTP's), null when it is absent
     */
    public static Function<Context, Context> from(Function<String, String> headers) {
        return context -> context.put(KEY, headers);
    }

    /** The headers handed over in this context, or null. */
    @SuppressWarnings("unchecked")
    static Function<String, String> in(ContextView context) {
        return (Function<String, String>) context.getOrDefault(KEY, null);
    }
}
