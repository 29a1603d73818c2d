package io.staticpod.mirror.api;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A {@link Worker} whose passes the test runs: {@link #runUntilIdle()} runs what was handed to it and, once the
 * {@link FakeTicker} has reached its time, what was scheduled. Passes then run on the test's thread, one at a time.
 */
final class ManualWorker implements Worker {
    private final FakeTicker ticker;
    private final ConcurrentLinkedQueue<Runnable> queued = new ConcurrentLinkedQueue<>();
    private Runnable scheduled; // guarded by this
    private long scheduledAt; // guarded by this
    private Duration lastDelay; // guarded by this
    private volatile boolean closed;

    ManualWorker(FakeTicker ticker) {
        this.ticker = ticker;
    }

    @Override
    public void execute(Runnable pass) {
        if (!closed) {
            queued.add(pass);
        }
    }

    @Override
    public synchronized void schedule(Runnable pass, Duration delay) {
        scheduled = pass;
        scheduledAt = ticker.nanos() + delay.toNanos();
        lastDelay = delay;
    }

    /** Runs queued passes, and the scheduled one once due, until none is left to run now. */
    void runUntilIdle() {
        for (int i = 0; i < 1000 && !closed; i++) {
            Runnable next = queued.poll();
            if (next == null) {
                next = takeDue();
            }
            if (next == null) {
                return;
            }
            next.run();
        }
        if (!closed) {
            throw new AssertionError("the client does not settle: a pass keeps asking for another at once");
        }
    }

    /** Steps the ticker by {@code step} until {@code total} has passed, running what is due after each step. */
    void runFor(Duration total, Duration step) {
        runUntilIdle();
        for (Duration t = Duration.ZERO; t.compareTo(total) < 0; t = t.plus(step)) {
            ticker.advance(step);
            runUntilIdle();
        }
    }

    /** The delay the client last asked its next pass to wait. */
    synchronized Duration lastDelay() {
        return lastDelay;
    }

    private synchronized Runnable takeDue() {
        if (scheduled == null || ticker.nanos() - scheduledAt < 0) {
            return null;
        }
        Runnable r = scheduled;
        scheduled = null;
        return r;
    }

    @Override
    public void close() {
        closed = true;
        queued.clear();
    }
}
