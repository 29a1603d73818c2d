package io.staticpod.agent.nodeapi;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code max} long-lived streams (followed logs, exec sessions) at once, each on a thread of its own (a log reader blocks
 * while it waits for lines), so that streams can never use up the threads that answer other requests, and a client
 * past the limit is told to come back (429) instead of queued. Threads are made on demand and end a minute after
 * their stream.
 */
public final class StreamSlots implements AutoCloseable {
    private final int max;
    private final AtomicInteger active = new AtomicInteger();
    private final ExecutorService threads;

    /** @param name the threads' names, numbered: {@code name-1}, {@code name-2}… */
    public StreamSlots(String name, int max) {
        this.max = max;
        AtomicInteger n = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(0, max, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code stream} on a stream thread if a slot is free; false when all {@code max} are taken. */
    public boolean start(Runnable stream) {
        if (active.incrementAndGet() > max) {
            active.decrementAndGet();
            return false;
        }
        try {
            threads.execute(() -> {
                try {
                    stream.run();
                } finally {
                    active.decrementAndGet();
                }
            });
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            active.decrementAndGet(); // a thread of a stream just ended has not returned to the pool yet
            return false;
        }
    }

    int max() {
        return max;
    }

    int active() {
        return active.get();
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
