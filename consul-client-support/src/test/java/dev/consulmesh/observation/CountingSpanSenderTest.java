package dev.consulmesh.observation;

import dev.consulmesh.metrics.MeshMetrics;
import org.junit.jupiter.api.Test;
import zipkin2.reporter.BytesMessageSender;
import zipkin2.reporter.Encoding;

import java.io.IOException;
import java.net.ConnectException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Spans the exporter cannot deliver while the tracing backend is down are counted, and the sender still fails as before. */
class CountingSpanSenderTest {

    /** A sender whose backend is down until told otherwise. */
    private static final class Backend implements BytesMessageSender {
        boolean up;
        int delivered;

        @Override
        public void send(List<byte[]> spans) throws IOException {
            if (!up) {
                throw new ConnectException("Connection refused");
            }
            delivered += spans.size();
        }

        @Override
        public Encoding encoding() {
            return Encoding.JSON;
        }

        @Override
        public int messageMaxBytes() {
            return 500_000;
        }

        @Override
        public int messageSizeInBytes(List<byte[]> spans) {
            return spans.stream().mapToInt(span -> span.length).sum();
        }

        @Override
        public int messageSizeInBytes(int size) {
            return size;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void spansTheBackendDoesNotTakeAreCountedAndTheOthersDelivered() throws IOException {
        MeshMetrics metrics = MeshMetrics.inMemory();
        Backend backend = new Backend();
        BytesMessageSender sender = SpanSenders.counting(backend, metrics);
        List<byte[]> three = List.of(new byte[10], new byte[10], new byte[10]);

        assertThatThrownBy(() -> sender.send(three)).isInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> sender.send(three)).isInstanceOf(ConnectException.class);
        backend.up = true;
        sender.send(three);

        assertThat(metrics.registry().get("mesh.tracing.spans.dropped").counter().count()).isEqualTo(6);
        assertThat(backend.delivered).isEqualTo(3);
        assertThat(SpanSenders.counting(sender, metrics)).as("wrapped once").isSameAs(sender);
        assertThat(sender.encoding()).isEqualTo(Encoding.JSON);
    }
}
