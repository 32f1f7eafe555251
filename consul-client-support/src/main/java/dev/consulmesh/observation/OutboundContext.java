package dev.consulmesh.observation;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An attempt's observation context: the packet's headers are its carrier, so a tracing handler
 * (Micrometer Tracing's propagating sender handler, registered by Spring Boot) writes the trace context
 * into them when the observation starts. Without tracing they stay empty and the frame stays Nest's.
 */
public final class OutboundContext extends SenderContext<Map<String, String>> {

    public OutboundContext(boolean event) {
        super((carrier, key, value) -> carrier.put(key, value), event ? Kind.PRODUCER : Kind.CLIENT);
        setCarrier(new LinkedHashMap<>());
    }

    public Map<String, String> headers() {
        return getCarrier();
    }
}
