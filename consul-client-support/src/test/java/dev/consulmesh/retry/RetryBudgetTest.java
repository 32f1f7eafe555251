package dev.consulmesh.retry;

import org.junit.jupiter.api.Test;

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
}
