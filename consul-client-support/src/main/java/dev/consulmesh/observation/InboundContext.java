package dev.consulmesh.observation;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;

import java.util.Map;

/**
 * A handler's observation context: a tracing handler reads the caller's trace context from the
 * packet's headers (already checked by {@link TraceContextFilter}) and continues that trace.
 */
public final class InboundContext extends ReceiverContext<Map<String, String>> {

    public InboundContext(Map<String, String> traceHeaders, boolean event) {
        super((carrier, key) -> carrier.get(key), event ? Kind.CONSUMER : Kind.SERVER);
        setCarrier(traceHeaders);
    }
}
