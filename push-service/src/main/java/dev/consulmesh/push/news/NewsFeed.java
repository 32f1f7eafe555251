package dev.consulmesh.push.news;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The news this node serves: the latest good snapshot of one {@link FeedSource}.
 *
 * <p>Queries read an immutable snapshot and never wait for a refresh. A failed refresh keeps the last good snapshot
 * in service and is recorded in {@link #status()}; it is logged at WARN once when a run of failures starts and at
 * INFO when the feed loads again.
 *
 * <p>Only one refresh runs at a time: a caller that asks for one while another is running waits for that one and
 * gets its outcome instead of starting a second load.
 */
public final class NewsFeed {

    private static final Logger log = LoggerFactory.getLogger(NewsFeed.class);

    /** Everything a refresh changes, swapped in one write so that readers never see half of an update. */
    private record State(NewsSnapshot snapshot, FeedStatus.RefreshFailure lastFailure, int consecutiveFailures,
                         Instant failingSince) {
    }

    private final FeedSource source;
    private final Clock clock;
    private final AtomicReference<CompletableFuture<FeedStatus>> running = new AtomicReference<>();
    private volatile State state = new State(NewsSnapshot.EMPTY, null, 0, null);

    public NewsFeed(FeedSource source) {
        this(source, Clock.systemUTC());
    }

    public NewsFeed(FeedSource source, Clock clock) {
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Loads the feed now, or waits for the load already running. Never throws for a feed that cannot be read:
     * the failure is in the returned status.
     *
     * @return the status once the load is done
     */
    public FeedStatus refresh() {
        CompletableFuture<FeedStatus> mine = new CompletableFuture<>();
        CompletableFuture<FeedStatus> current = running.compareAndExchange(null, mine);
        if (current != null) {
            return current.join();
        }
        try {
            load();
            FeedStatus status = status();
            mine.complete(status);
            return status;
        } catch (Throwable e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            running.set(null);
        }
    }

    /** One page of news from the current snapshot; see {@link NewsSnapshot#latest(NewsQuery)}. */
    public List<NewsItem> latest(NewsQuery query) {
        return state.snapshot().latest(query);
    }

    /** The snapshot being served now. */
    public NewsSnapshot snapshot() {
        return state.snapshot();
    }

    public FeedStatus status() {
        State current = state;
        return new FeedStatus(source.location(), current.snapshot().size(), current.snapshot().loadedAt(),
                current.lastFailure(), current.consecutiveFailures());
    }

    /** The feed's configured location. */
    public String location() {
        return source.location();
    }

    private void load() {
        State previous = state;
        NewsSnapshot snapshot;
        try {
            snapshot = NewsSnapshot.of(source.load(), clock.instant());
        } catch (RuntimeException e) {
            recordFailure(previous, e);
            return;
        }
        state = new State(snapshot, null, 0, null);
        if (previous.consecutiveFailures() > 0) {
            log.info("News feed {} loaded after {} failed attempt(s) since {}: serving {} items",
                    source.location(), previous.consecutiveFailures(), previous.failingSince(), snapshot.size());
        } else if (previous.snapshot().loadedAt() == null) {
            log.info("News feed {} loaded: serving {} items", source.location(), snapshot.size());
        } else {
            log.debug("News feed {} refreshed: serving {} items", source.location(), snapshot.size());
        }
    }

    private void recordFailure(State previous, RuntimeException e) {
        String message = e instanceof FeedLoadException ? e.getMessage() : e.toString();
        FeedStatus.RefreshFailure failure = new FeedStatus.RefreshFailure(clock.instant(), message);
        Instant failingSince = previous.failingSince() != null ? previous.failingSince() : failure.at();
        state = new State(previous.snapshot(), failure, previous.consecutiveFailures() + 1, failingSince);
        if (previous.consecutiveFailures() > 0) {
            log.debug("News feed {} still fails to refresh: {}", source.location(), message, e);
        } else if (previous.snapshot().loadedAt() != null) {
            log.warn("Could not refresh news feed {}; still serving the last good feed from {}: {}",
                    source.location(), previous.snapshot().loadedAt(), message);
            log.debug("Refresh failure of news feed {}", source.location(), e);
        } else {
            log.warn("Could not load news feed {}; there is no news to serve until it loads: {}",
                    source.location(), message);
            log.debug("Load failure of news feed {}", source.location(), e);
        }
    }
}
