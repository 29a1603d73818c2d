package io.staticpod.agent.pod;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pod layer's threads: 16 pod lanes at most, one lane timer (back-off, retries, the periodic resync), parallel
 * stops, and two probe threads. The relister has its own thread, the reconcile thread is the daemon's.
 */
public record PodThreads(ExecutorService lanes, ScheduledExecutorService timer, ExecutorService stoppers,
                         ScheduledExecutorService probes) implements AutoCloseable {
    static final int LANES = 16;

    public static PodThreads create() {
        return new PodThreads(Executors.newFixedThreadPool(LANES, named("pod-lane")),
                Executors.newSingleThreadScheduledExecutor(named("pod-timer")),
                Executors.newCachedThreadPool(named("pod-stop")), Executors.newScheduledThreadPool(2, named("probe")));
    }

    /** Stops every thread; containers keep running. */
    @Override
    public void close() {
        timer.shutdownNow();
        lanes.shutdownNow();
        stoppers.shutdownNow();
        probes.shutdownNow();
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
