package dev.consulmesh.push.news;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Refreshes a {@link NewsFeed} at a fixed delay on one daemon thread of its own, from the application context's
 * start until its close. Kept separate from Spring's {@code @EnableScheduling}, which would switch on scheduling for
 * every bean of the application.
 */
public final class NewsFeedRefresher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(NewsFeedRefresher.class);
    static final String THREAD_NAME = "news-feed-refresh";

    private final NewsFeed feed;
    private final Duration interval;
    /** A refresh asked for and not started yet: later asks join it, so a flood of events queues one refresh. */
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private ScheduledExecutorService scheduler;

    /**
     * @param feed     the feed to refresh
     * @param interval the delay between the end of one refresh and the start of the next; the first refresh runs
     *                 one interval after {@link #start()}, since the feed has just loaded at start-up
     */
    public NewsFeedRefresher(NewsFeed feed, Duration interval) {
        this.feed = Objects.requireNonNull(feed, "feed");
        this.interval = Objects.requireNonNull(interval, "interval");
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("The news feed refresh interval must be positive, got " + interval);
        }
    }

    @Override
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        });
        long nanos = interval.toNanos();
        // Fixed delay, not rate: a slow feed must not get its refreshes back to back.
        scheduler.scheduleWithFixedDelay(this::refresh, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    /**
     * Refreshes the feed now on the refresher's own thread, without waiting for it. Asks that arrive while
     * a refresh is queued and not started yet join that one: however many {@code fetchNewsTask} events a
     * peer sends, at most one refresh waits behind the running one.
     *
     * @return false when the refresher is not running, so nothing was scheduled
     */
    public synchronized boolean refreshNow() {
        if (scheduler == null) {
            return false;
        }
        if (refreshQueued.compareAndSet(false, true)) {
            scheduler.execute(() -> {
                refreshQueued.set(false);
                refresh();
            });
        }
        return true;
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }

    private void refresh() {
        try {
            feed.refresh();
        } catch (RuntimeException e) {
            // An exception escaping a periodic task would silently cancel every later refresh.
            log.error("Unexpected error refreshing news feed {}", feed.location(), e);
        }
    }
}
