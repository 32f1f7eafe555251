package dev.consulmesh.window;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SlidingWindowTest {

    private static final long SECOND = 1_000_000_000L;
    // far from zero, so that bucket arithmetic on small clocks is not what is tested
    private static final long START = 1_000 * SECOND;

    @Test
    void countsStayForTheWindowThenLeaveIt() {
        SlidingWindow window = new SlidingWindow(Duration.ofSeconds(10), 10, 2);
        window.add(0, START);
        window.add(1, START + 3 * SECOND);

        assertThat(window.sums(START + 9 * SECOND)).containsExactly(1, 1);
        assertThat(window.sums(START + 10 * SECOND)).as("the first second has left the window").containsExactly(0, 1);
        assertThat(window.sums(START + 13 * SECOND)).containsExactly(0, 0);
    }

    @Test
    void countsOlderThanTheWindowDoNotComeBackAfterAQuietPeriod() {
        SlidingWindow window = new SlidingWindow(Duration.ofSeconds(10), 10, 1);
        for (int second = 0; second < 10; second++) {
            window.add(0, START + second * SECOND);
        }
        for (long quiet : new long[]{11, 17, 19, 20, 23}) {
            assertThat(window.sums(START + quiet * SECOND)[0]).as("%d s after the first count", quiet)
                    .isEqualTo(Math.max(0, 10 - (quiet - 9)));
        }
        // quiet for 25 s, across two and a half turns of the ring; then one count lands in one slot
        long later = START + 35 * SECOND + SECOND / 2;
        window.add(0, later);

        assertThat(window.sums(later)).as("the buckets of the other slots served periods long gone").containsExactly(1);
    }

    @Test
    void aWriterWithAnOlderClockReadingCountsInTheNewerBucket() {
        SlidingWindow window = new SlidingWindow(Duration.ofSeconds(10), 10, 1);
        window.add(0, START + 10 * SECOND);
        window.add(0, START); // the same slot, ten seconds earlier: must not replace the newer bucket

        assertThat(window.sums(START + 10 * SECOND)).containsExactly(2);
    }

    @Test
    void threadsCountingAtOnceLoseNoCount() throws InterruptedException {
        SlidingWindow window = new SlidingWindow(Duration.ofSeconds(10), 10, 1);
        int threads = 8;
        int each = 50_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                await(go);
                for (int i = 0; i < each; i++) {
                    // spread over several buckets, so that threads also race to replace stale ones
                    window.add(0, START + (i % 5) * SECOND);
                }
            });
            thread.start();
            started.add(thread);
        }
        go.countDown();
        for (Thread thread : started) {
            thread.join();
        }
        assertThat(window.sums(START + 5 * SECOND)[0]).isEqualTo((long) threads * each);
    }

    @Test
    void aLimitCheckedByThreadsAtOnceIsNeverOverrun() throws InterruptedException {
        SlidingWindow window = new SlidingWindow(Duration.ofSeconds(10), 10, 1);
        AtomicInteger granted = new AtomicInteger();
        int threads = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                await(go);
                for (int i = 0; i < 10_000; i++) {
                    if (window.addIf(0, START, sums -> sums[0] < 1_234)) {
                        granted.incrementAndGet();
                    }
                }
            });
            thread.start();
            started.add(thread);
        }
        go.countDown();
        for (Thread thread : started) {
            thread.join();
        }
        assertThat(granted.get()).isEqualTo(1_234);
        assertThat(window.sums(START)[0]).isEqualTo(1_234);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
