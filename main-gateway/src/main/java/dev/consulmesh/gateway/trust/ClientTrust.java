package dev.consulmesh.gateway.trust;

import org.springframework.http.server.reactive.ServerHttpRequest;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The one decision whether a request's client is trusted ({@link ClientTrustProperties}), and what
 * that decides: which request headers reach the mesh and the tracer. From an untrusted client the
 * routing hints ({@code gateway.trust.forwarded-headers}) and the trace context are removed, so it can
 * neither steer its calls (to a canary, a zone) nor force its traces to be sampled; the secret header is
 * removed from every request.
 */
public final class ClientTrust {

    /**
     * Trace context a tracer reads from a request (W3C and B3, single and multi header): with it, a client
     * decides whether its request is sampled and joins a trace of its choosing.
     */
    static final List<String> TRACE_CONTEXT = List.of("traceparent", "tracestate", "baggage", "b3", "X-B3-TraceId",
            "X-B3-SpanId", "X-B3-ParentSpanId", "X-B3-Sampled", "X-B3-Flags");

    private final List<TrustedNetwork> networks;
    private final String secretHeader;
    private final byte[] secret;
    private final List<String> forwarded;
    /** What an untrusted request loses: routing hints and trace context (names in any case). */
    private final Set<String> untrustedRemoves;

    public ClientTrust(ClientTrustProperties properties) {
        List<TrustedNetwork> parsed = new ArrayList<>();
        List<String> given = properties.getTrustedNetworks();
        for (int i = 0; i < given.size(); i++) {
            parsed.add(TrustedNetwork.parse(given.get(i), "gateway.trust.trusted-networks[" + i + "]"));
        }
        this.networks = List.copyOf(parsed);
        this.secretHeader = properties.getSecretHeader();
        this.secret = properties.getSecret() == null ? null : properties.getSecret().getBytes(StandardCharsets.UTF_8);
        this.forwarded = List.copyOf(properties.getForwardedHeaders());
        Set<String> removes = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        removes.addAll(TRACE_CONTEXT);
        removes.addAll(forwarded);
        this.untrustedRemoves = Collections.unmodifiableSet(removes);
    }

    /** Whether the request's client may steer its calls and its tracing. */
    public boolean trusts(ServerHttpRequest request) {
        return trusts(request.getRemoteAddress(), request.getHeaders()::getFirst);
    }

    /**
     * Whether a request's client may steer its calls and its tracing.
     *
     * @param peer   the client's address, as the server sees it
     * @param header the request's first value of a header, null when it has none
     */
    public boolean trusts(InetSocketAddress peer, UnaryOperator<String> header) {
        if (peer != null && peer.getAddress() != null) {
            for (TrustedNetwork network : networks) {
                if (network.contains(peer.getAddress())) {
                    return true;
                }
            }
        }
        if (secret == null) {
            return false;
        }
        String given = header.apply(secretHeader);
        // Compared in constant time: the time of a refusal does not tell how much of a guess was right.
        return given != null && MessageDigest.isEqual(secret, given.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The headers of a request, as yet unscreened, that go with the mesh calls made for it: the forwarded
     * ones from a trusted client, none from another (as {@link #screen} leaves them); never the secret.
     * Null when none go.
     */
    public UnaryOperator<String> callHeaders(InetSocketAddress peer, UnaryOperator<String> header) {
        if (forwarded.isEmpty() || !trusts(peer, header)) {
            return null;
        }
        return name -> forwards(name) && !name.equalsIgnoreCase(secretHeader) ? header.apply(name) : null;
    }

    /** Whether the header {@code name} goes with the mesh calls made for a request (gateway.trust.forwarded-headers). */
    public boolean forwards(String name) {
        for (String header : forwarded) {
            if (header.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** The request as the gateway serves it: what its client may not decide removed; itself when nothing is. */
    public ServerHttpRequest screen(ServerHttpRequest request) {
        boolean trusted = trusts(request);
        List<String> remove = request.getHeaders().headerNames().stream().filter(name -> hidden(name, trusted)).toList();
        if (remove.isEmpty()) {
            return request;
        }
        return request.mutate().headers(writable -> remove.forEach(writable::remove)).build();
    }

    /**
     * A request's headers, as yet unscreened, as {@link #screen} leaves them. What a tracer reads below
     * WebFlux, where the request is not screened.
     */
    public UnaryOperator<String> screened(InetSocketAddress peer, UnaryOperator<String> header) {
        boolean trusted = trusts(peer, header);
        return name -> hidden(name, trusted) ? null : header.apply(name);
    }

    /** Whether the gateway hides a header: the secret from every request, hints and trace context from an untrusted one. */
    private boolean hidden(String name, boolean trusted) {
        return name.equalsIgnoreCase(secretHeader) || (!trusted && untrustedRemoves.contains(name));
    }

    /** The headers handed to the mesh calls made for a request: those configured to be forwarded. */
    public List<String> forwardedHeaders() {
        return forwarded;
    }
}
