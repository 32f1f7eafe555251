package dev.consulmesh.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A few threads calling GET /fetchLatestNews on the gateway one call after another, each recorded with
 * when it started and ended, its status and the node that answered (X-Push-Node). Bounded: it stops
 * when told, or at its time limit whatever happens.
 */
final class GatewayLoad implements AutoCloseable {

    /** One call: times in System.nanoTime(); status 0 when no HTTP answer came. */
    record Call(long startNanos, long endNanos, int status, String node, String error) {

        boolean ok() {
            return status == 200;
        }

        boolean inFlightDuring(long fromNanos, long toNanos) {
            return startNanos <= toNanos && endNanos >= fromNanos;
        }

        long millis() {
            return (endNanos - startNanos) / 1_000_000;
        }
    }

    private static final long PAUSE_MILLIS = 20;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;
    private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final long deadlineNanos;

    private GatewayLoad(URI uri, Duration limit) {
        this.uri = uri;
        this.deadlineNanos = System.nanoTime() + limit.toNanos();
    }

    static GatewayLoad start(String gatewayBaseUrl, int threadCount, Duration limit) {
        GatewayLoad load = new GatewayLoad(URI.create(gatewayBaseUrl + "/fetchLatestNews?limit=5"), limit);
        for (int i = 0; i < threadCount; i++) {
            Thread thread = new Thread(load::callUntilStopped, "gateway-load-" + i);
            thread.setDaemon(true);
            load.threads.add(thread);
            thread.start();
        }
        return load;
    }

    private void callUntilStopped() {
        while (running.get() && System.nanoTime() < deadlineNanos) {
            long start = System.nanoTime();
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).build(),
                        HttpResponse.BodyHandlers.ofString());
                calls.add(new Call(start, System.nanoTime(), response.statusCode(),
                        response.headers().firstValue("X-Push-Node").orElse(null),
                        response.statusCode() == 200 ? null : response.body()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                calls.add(new Call(start, System.nanoTime(), 0, null, e.toString()));
            }
            pause();
        }
    }

    /** A short pause between calls, so a few threads load the gateway without taking every core. */
    private static void pause() {
        try {
            Thread.sleep(PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the threads after their current call and returns every call made. */
    List<Call> stop() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(20).toMillis());
        }
        return List.copyOf(calls);
    }

    /** The calls recorded so far. */
    List<Call> calls() {
        return List.copyOf(calls);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
