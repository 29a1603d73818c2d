package io.staticpod.agent.testing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An executor and timer that run nothing by themselves: a test runs the queued tasks ({@link #runQueued()}) and the
 * timer's tasks ({@link #fire()}) by hand, on its own thread, and reads the delays they were scheduled with.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final Queue<Runnable> queued = new ArrayDeque<>();
    private final List<Timed> timed = new ArrayList<>();

    /** A task given to the timer, with its delay. */
    public final class Timed implements ScheduledFuture<Object> {
        public final Duration delay;
        final Runnable task;
        boolean cancelled;
        boolean done;

        Timed(Duration delay, Runnable task) {
            this.delay = delay;
            this.task = task;
        }

        @Override
        public synchronized boolean cancel(boolean mayInterrupt) {
            if (done) {
                return false;
            }
            cancelled = true;
            return true;
        }

        @Override
        public synchronized boolean isCancelled() {
            return cancelled;
        }

        @Override
        public synchronized boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(delay);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
        }
    }

    @Override
    public synchronized void execute(Runnable command) {
        queued.add(command);
    }

    /** Runs queued tasks, and those they queue, until none is left; returns how many ran. */
    public int runQueued() {
        int n = 0;
        while (true) {
            Runnable next;
            synchronized (this) {
                next = queued.poll();
            }
            if (next == null) {
                return n;
            }
            next.run();
            n++;
        }
    }

    /** The timer's tasks not cancelled and not yet fired, in the order they were scheduled. */
    public synchronized List<Timed> pending() {
        return timed.stream().filter(t -> !t.isDone()).toList();
    }

    /** Fires every pending timer task (as if its delay had passed), then runs what they queued. */
    public void fire() {
        for (Timed t : pending()) {
            synchronized (t) {
                if (t.isDone()) {
                    continue;
                }
                t.done = true;
            }
            t.task.run();
        }
        runQueued();
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Timed t = new Timed(Duration.ofNanos(unit.toNanos(delay)), command);
        timed.add(t);
        return t;
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void shutdown() {
    }

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }
}
