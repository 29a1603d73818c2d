package io.staticpod.agent.pod;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pod layer's threads: 16 pod lanes at most (wanted pods before removals when all are busy), one lane timer
 * (back-off, retries, the periodic resync), parallel stops, and two probe threads. The relister has its own
 * thread, the reconcile thread is the daemon's.
 */
public record PodThreads(ExecutorService lanes, ScheduledExecutorService timer, ExecutorService stoppers,
                         ScheduledExecutorService probes) implements AutoCloseable {
    static final int LANES = 16;

    public static PodThreads create() {
        return new PodThreads(lanes(LANES),
                Executors.newSingleThreadScheduledExecutor(named("pod-timer")),
                Executors.newCachedThreadPool(named("pod-stop")), Executors.newScheduledThreadPool(2, named("probe")));
    }

    /**
     * The lanes' pool. When every lane is busy, a pod that is wanted (started, restarted, changed) goes before one that
     * is being removed, so a mass removal does not hold up new pods (the kubelet gives each pod a goroutine of its
     * own); among each kind, first come first served. The order is {@link PodWorkers}' (its runs are comparable).
     */
    static ExecutorService lanes(int threads) {
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new PriorityBlockingQueue<>(),
                named("pod-lane"));
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
