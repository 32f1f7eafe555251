package dev.consulmesh.observation;

import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import zipkin2.reporter.BytesMessageSender;
import zipkin2.reporter.Encoding;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The span exporter's sender, counting the spans it could not deliver: while the tracing backend is
 * down, calls go on and their spans are dropped — counted in {@code mesh.tracing.spans.dropped}, and
 * said once in the log when it starts and once when the backend takes spans again.
 */
final class CountingSpanSender implements BytesMessageSender {

    private static final Logger log = LoggerFactory.getLogger(CountingSpanSender.class);

    private final BytesMessageSender delegate;
    private final Counter dropped;
    private final AtomicBoolean failing = new AtomicBoolean();

    CountingSpanSender(BytesMessageSender delegate, Counter dropped) {
        this.delegate = delegate;
        this.dropped = dropped;
    }

    @Override
    public void send(List<byte[]> encodedSpans) throws IOException {
        try {
            delegate.send(encodedSpans);
        } catch (IOException | RuntimeException e) {
            dropped.increment(encodedSpans.size());
            if (failing.compareAndSet(false, true)) {
                log.warn("the tracing backend takes no spans ({}); calls go on, their spans are dropped and counted in"
                        + " mesh.tracing.spans.dropped", e.toString());
            }
            throw e;
        }
        if (failing.compareAndSet(true, false)) {
            log.info("the tracing backend takes spans again");
        }
    }

    @Override
    public Encoding encoding() {
        return delegate.encoding();
    }

    @Override
    public int messageMaxBytes() {
        return delegate.messageMaxBytes();
    }

    @Override
    public int messageSizeInBytes(List<byte[]> encodedSpans) {
        return delegate.messageSizeInBytes(encodedSpans);
    }

    @Override
    public int messageSizeInBytes(int encodedSizeInBytes) {
        return delegate.messageSizeInBytes(encodedSizeInBytes);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
