package dev.consulmesh.retry;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RetryBudgetTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);

    private void advanceSeconds(long seconds) {
        now.addAndGet(seconds * 1_000_000_000L);
    }

    private static int retriesGranted(RetryBudget budget, int wanted) {
        int granted = 0;
        for (int i = 0; i < wanted; i++) {
            granted += budget.tryRetry() ? 1 : 0;
        }
        return granted;
    }

    @Test
    void withoutTrafficTheFloorAllowsTenSecondsOfMinimumRetries() {
        RetryBudget budget = new RetryBudget(0.2, 5, now::get);
        assertThat(retriesGranted(budget, 100)).isEqualTo(50);
    }

    @Test
    void aShareOfTheRequestsInTheWindowIsAddedToTheFloor() {
        RetryBudget budget = new RetryBudget(0.2, 1, now::get);
        for (int i = 0; i < 1000; i++) {
            budget.recordRequest();
        }
        assertThat(retriesGranted(budget, 1000)).isEqualTo(10 + 200);
    }

    @Test
    void spentRetriesAndOldRequestsLeaveTheWindowAfterTenSeconds() {
        RetryBudget budget = new RetryBudget(0.5, 0, now::get);
        for (int i = 0; i < 100; i++) {
            budget.recordRequest();
        }
        assertThat(retriesGranted(budget, 100)).isEqualTo(50);
        advanceSeconds(5);
        assertThat(budget.tryRetry()).as("five seconds later the retries still count").isFalse();
        advanceSeconds(5);
        assertThat(budget.tryRetry()).as("ten seconds later the requests that paid for them are gone too").isFalse();
        budget.recordRequest();
        budget.recordRequest();
        assertThat(retriesGranted(budget, 5)).isEqualTo(1);
    }

    @Test
    void aZeroBudgetNeverRetries() {
        RetryBudget budget = new RetryBudget(0, 0, now::get);
        budget.recordRequest();
        assertThat(budget.tryRetry()).isFalse();
    }

    @Test
    void retriesAndRequestsOlderThanTenSecondsDoNotShapeTheBudgetAfterAQuietPeriod() {
        RetryBudget budget = new RetryBudget(0.5, 0, now::get);
        // requests spread over several seconds, all retries spent
        for (int second = 0; second < 4; second++) {
            for (int i = 0; i < 25; i++) {
                budget.recordRequest();
            }
            advanceSeconds(1);
        }
        assertThat(retriesGranted(budget, 100)).isEqualTo(50);
        // quiet across an empty period that is not a whole turn of the ring: 13 s, then 7 s more
        advanceSeconds(13);
        assertThat(budget.usage()).as("nothing older than ten seconds is left").isEqualTo(new RetryBudget.Usage(10, 0, 0, 0));
        budget.recordRequest();
        budget.recordRequest();
        assertThat(retriesGranted(budget, 5)).as("two fresh requests pay for one retry, not the old ones").isEqualTo(1);
        advanceSeconds(7);
        assertThat(budget.usage().retries()).isEqualTo(1);
    }

    @Test
    void threadsTakingRetriesAtOnceTakeExactlyTheBudget() throws InterruptedException {
        RetryBudget budget = new RetryBudget(0.1, 3, now::get);
        int threads = 8;
        AtomicInteger granted = new AtomicInteger();
        AtomicInteger denied = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < 5_000; i++) {
                    budget.recordRequest();
                    if (budget.tryRetry()) {
                        granted.incrementAndGet();
                    } else {
                        denied.incrementAndGet();
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
        RetryBudget.Usage usage = budget.usage();
        assertThat(usage.calls()).isEqualTo(threads * 5_000L);
        assertThat(granted.get() + denied.get()).isEqualTo(threads * 5_000);
        assertThat(usage.retries()).isEqualTo(granted.get());
        // 30 from the floor and a tenth of 40,000 requests; the last requests came after the last retries
        assertThat(granted.get()).isLessThanOrEqualTo(30 + 4_000).isGreaterThan(30 + 4_000 - threads * 10);
    }
}
