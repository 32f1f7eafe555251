package dev.consulmesh.window;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyHistogramTest {

    private static final long MILLI = 1_000_000L;

    @Test
    void bucketsGrowByAQuarterFromFiftyMicrosecondsAndCapAtTheLast() {
        assertThat(LatencyHistogram.bucket(1)).isZero();
        assertThat(LatencyHistogram.upperBoundNanos(LatencyHistogram.bucket(10 * MILLI)))
                .isBetween(10.0 * MILLI, 12.5 * MILLI);
        assertThat(LatencyHistogram.bucket(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.BUCKETS - 1);
    }

    @Test
    void aPercentileIsTheUpperBoundOfItsBucketWithinAQuarter() {
        long[] counts = new long[1 + LatencyHistogram.BUCKETS];
        for (int i = 0; i < 98; i++) {
            counts[1 + LatencyHistogram.bucket(2 * MILLI)]++;
        }
        counts[1 + LatencyHistogram.bucket(300 * MILLI)] += 2;

        assertThat(LatencyHistogram.percentileNanos(counts, 1, 0.5)).isBetween(2.0 * MILLI, 2.5 * MILLI);
        assertThat(LatencyHistogram.percentileNanos(counts, 1, 0.99)).isBetween(300.0 * MILLI, 375.0 * MILLI);
        assertThat(LatencyHistogram.percentileNanos(new long[LatencyHistogram.BUCKETS], 0, 0.99)).isZero();
    }
}
