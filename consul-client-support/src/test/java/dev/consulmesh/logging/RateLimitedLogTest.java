package dev.consulmesh.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitedLogTest {

    @Test
    void aThousandFailuresFromSeveralThreadsAreOneLineOnOneLineAndAllCounted() throws InterruptedException {
        Logger logger = (Logger) LoggerFactory.getLogger("rate-limited-log-test");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
        RateLimitedLog failures = new RateLimitedLog(logger, Level.ERROR, "handlers failed; latest:");

        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 250; i++) {
                    failures.happened("peer", "boom\r\nFAKE 2026-01-01 INFO forged line", new IllegalStateException("boom"));
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(failures.count()).isEqualTo(1000);
        assertThat(logged.list).singleElement().satisfies(line -> {
            assertThat(line.getFormattedMessage()).contains("boom  FAKE").doesNotContain("\r", "\n");
            assertThat(line.getThrowableProxy()).as("no stack trace at ERROR").isNull();
        });
        logger.detachAppender(logged);
    }

    @Test
    void aHugeDetailIsCut() {
        assertThat(RateLimitedLog.oneLine("x".repeat(1000))).hasSize(303).endsWith("...");
    }
}
