package dev.consulmesh.transport.server;

import dev.consulmesh.transport.wire.LimitViolations;
import dev.consulmesh.transport.wire.TransportLimit;
import io.netty.util.concurrent.DefaultThreadFactory;
import reactor.core.Fuseable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Calls {@link Blocking} handlers off the I/O threads: at most {@code maxConcurrency} at once over the
 * whole server, further calls waiting first come first served in a queue of at most {@code maxQueued};
 * a call beyond that is refused with a "server busy" {@link RpcException} and counted as
 * {@link TransportLimit#BLOCKING_QUEUE_FULL}. A waiting call whose caller went away (its answer stream
 * was cancelled, e.g. the connection closed) is skipped.
 *
 * <p>Threads: virtual threads where the JDK has them (21+), found at run time since the code is built
 * for 17; otherwise a pool of at most {@code maxConcurrency} daemon platform threads that end when idle.
 */
final class BlockingHandlerExecutor {

    private static final long IDLE_PLATFORM_THREAD_SECONDS = 60;

    private final int maxConcurrency;
    private final int maxQueued;
    private final String propertyPrefix;
    private final LimitViolations violations;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int running;
    private ExecutorService threads;

    /** @param propertyPrefix where the settings are bound ({@code push.tcp.blocking}), for messages */
    BlockingHandlerExecutor(int maxConcurrency, int maxQueued, String propertyPrefix, LimitViolations violations) {
        this.maxConcurrency = maxConcurrency;
        this.maxQueued = maxQueued;
        this.propertyPrefix = propertyPrefix;
        this.violations = violations;
    }

    /**
     * The stream of a handler call made off the I/O thread once a slot is free; the call's own values
     * and errors come out of it, or a "server busy" error when the queue is full.
     *
     * @param connectionThread the event loop of the caller's connection: a result known when the method
     *                         returned (a plain value, or none) is emitted there, so that the value and the
     *                         end of the stream are written as one packet, as Nest writes a returned value
     *                         (emitted here, the event loop could write the value before the end arrives)
     */
    Flux<Object> call(Supplier<Flux<Object>> invocation, Executor connectionThread, Object peer) {
        return Mono.<Flux<Object>>create(sink -> {
            AtomicBoolean cancelled = new AtomicBoolean();
            sink.onCancel(() -> cancelled.set(true));
            boolean accepted = submit(() -> {
                if (cancelled.get()) {
                    return;
                }
                try {
                    Flux<Object> result = invocation.get();
                    if (result instanceof Fuseable.ScalarCallable) {
                        connectionThread.execute(() -> sink.success(result));
                    } else {
                        sink.success(result);
                    }
                } catch (RuntimeException | Error e) {
                    sink.error(e);
                }
            });
            if (!accepted) {
                violations.record(TransportLimit.BLOCKING_QUEUE_FULL, "from " + peer, "refused: " + maxConcurrency
                        + " blocking handler calls running and " + maxQueued + " waiting; raise "
                        + propertyPrefix + ".max-concurrency if the handlers' resources allow");
                sink.error(new RpcException("server busy: " + maxConcurrency + " blocking calls running and "
                        + maxQueued + " waiting; retry later"));
            }
        }).flatMapMany(Function.identity());
    }

    /** Whether calls run on virtual threads (JDK 21+) rather than platform threads. */
    static boolean virtualThreadsAvailable() {
        return virtualThreadFactory() != null;
    }

    /** Stops the threads; calls still waiting are dropped (their connections are closed by then). */
    synchronized void shutdown() {
        synchronized (waiting) {
            waiting.clear();
        }
        if (threads != null) {
            threads.shutdownNow();
            threads = null;
        }
    }

    private boolean submit(Runnable task) {
        synchronized (waiting) {
            if (running >= maxConcurrency) {
                if (waiting.size() >= maxQueued) {
                    return false;
                }
                waiting.add(task);
                return true;
            }
            running++;
        }
        try {
            threads().execute(() -> runThenWaiting(task));
            return true;
        } catch (RuntimeException stopped) {
            synchronized (waiting) {
                running--;
            }
            return false;
        }
    }

    /** Runs the task, then waiting ones while there are any: a slot passes to the next call without a new thread. */
    private void runThenWaiting(Runnable first) {
        Runnable task = first;
        while (task != null) {
            task.run();
            synchronized (waiting) {
                task = waiting.poll();
                if (task == null) {
                    running--;
                }
            }
        }
    }

    private synchronized ExecutorService threads() {
        if (threads == null) {
            ThreadFactory virtual = virtualThreadFactory();
            threads = virtual != null ? perTaskExecutor(virtual) : platformPool();
        }
        return threads;
    }

    private ExecutorService platformPool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(maxConcurrency, maxConcurrency,
                IDLE_PLATFORM_THREAD_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory("tcp-blocking", true));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** {@code Thread.ofVirtual().name("tcp-blocking-", 0).factory()}, or null before JDK 21. */
    private static ThreadFactory virtualThreadFactory() {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
            builder = ofVirtual.getMethod("name", String.class, long.class).invoke(builder, "tcp-blocking-", 0L);
            return (ThreadFactory) ofVirtual.getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException | RuntimeException notThere) {
            return null;
        }
    }

    private static ExecutorService perTaskExecutor(ThreadFactory factory) {
        try {
            Method perTask = Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class);
            return (ExecutorService) perTask.invoke(null, factory);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("virtual threads found but no Executors.newThreadPerTaskExecutor", e);
        }
    }
}
