package io.staticpod.mirror.api;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where the client's passes run: one thread of its own. Tests replace it with one whose passes they run by hand
 * while stepping a fake {@link Ticker}.
 */
interface Worker extends AutoCloseable {

    /** Runs {@code pass} on the worker soon. Any thread. */
    void execute(Runnable pass);

    /** Runs {@code pass} on the worker after {@code delay}, replacing what an earlier call scheduled. */
    void schedule(Runnable pass, Duration delay);

    /** Stops the worker; a pass under way is interrupted and waited for, briefly. */
    @Override
    void close();

    /** The production worker: one daemon thread named {@code name}. */
    static Worker thread(String name) {
        return new OwnThread(name);
    }

    /** One daemon thread. */
    final class OwnThread implements Worker {
        private final ScheduledExecutorService executor;
        private ScheduledFuture<?> scheduled; // guarded by this

        private OwnThread(String name) {
            executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
        }

        @Override
        public void execute(Runnable pass) {
            try {
                executor.execute(pass);
            } catch (RejectedExecutionException e) {
                // closed
            }
        }

        @Override
        public synchronized void schedule(Runnable pass, Duration delay) {
            if (scheduled != null) {
                scheduled.cancel(false);
            }
            try {
                scheduled = executor.schedule(pass, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // closed
            }
        }

        @Override
        public void close() {
            executor.shutdownNow();
            try {
                executor.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
