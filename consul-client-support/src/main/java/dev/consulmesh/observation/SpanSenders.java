package dev.consulmesh.observation;

import dev.consulmesh.metrics.MeshMetrics;
import zipkin2.reporter.BytesMessageSender;

/** Span senders that count what they drop. */
public final class SpanSenders {

    private SpanSenders() {
    }

    /** The sender, counting in {@code mesh.tracing.spans.dropped} the spans it cannot deliver. */
    public static BytesMessageSender counting(BytesMessageSender sender, MeshMetrics metrics) {
        return sender instanceof CountingSpanSender ? sender : new CountingSpanSender(sender, metrics.droppedSpans());
    }
}
