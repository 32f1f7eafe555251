package dev.consulmesh.observation;

/**
 * The mesh's Micrometer observations: each becomes a timer (with a histogram) and, when the
 * application traces, a span.
 * <ul>
 *   <li>{@value #CALL} (service, pattern, kind, outcome): a call to a service, across its attempts</li>
 *   <li>{@value #ATTEMPT} (service, pattern, kind, outcome): one attempt on one node, a child of its call;
 *       the node is on the span only (a high-cardinality value), never a timer tag, so nodes that come
 *       and go do not grow the registry</li>
 *   <li>{@value #HANDLER} (pattern, kind, outcome): a handler's invocation on a node, continuing the
 *       caller's trace when the packet carried one</li>
 * </ul>
 * {@code kind} is {@code request} or {@code event}; {@code outcome} is {@code success}, or for a call or
 * attempt the failure's kind in lower case ({@code timed_out}, {@code remote_error}, ...), or for a
 * handler {@code error} or {@code expired} (its deadline had passed), or {@code cancelled}.
 */
public final class MeshObservations {

    public static final String CALL = "mesh.client.call";
    public static final String ATTEMPT = "mesh.client.attempt";
    public static final String HANDLER = "mesh.server.handler";

    public static final String SERVICE = "service";
    public static final String PATTERN = "pattern";
    public static final String KIND = "kind";
    public static final String OUTCOME = "outcome";
    public static final String NODE = "node";

    public static final String SUCCESS = "success";
    public static final String CANCELLED = "cancelled";

    /** The key under which Reactor's context holds the current observation (Micrometer's {@code ObservationThreadLocalAccessor.KEY}). */
    public static final String REACTOR_CONTEXT_KEY = "micrometer.observation";

    private MeshObservations() {
    }

    /** The {@code kind} tag: {@code event} or {@code request}. */
    public static String kind(boolean event) {
        return event ? "event" : "request";
    }

    /** A pattern as a tag: a string as itself, an object as its JSON text (patterns are the code's own, so few). */
    public static String patternTag(tools.jackson.databind.JsonNode pattern) {
        return pattern.isString() ? pattern.asString() : pattern.toString();
    }
}
