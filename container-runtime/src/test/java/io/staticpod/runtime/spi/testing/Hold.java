package io.staticpod.runtime.spi.testing;

import io.staticpod.runtime.spi.RuntimeError;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls of one kind held by a {@link FakeContainerRuntime}, as a hung engine holds them: from
 * {@link FakeContainerRuntime#hold} until {@link #release()} or {@link #releaseWith}, every matching call waits
 * before it does anything. Other calls go on meanwhile. Thread-safe.
 *
 * <pre>{@code
 * Hold hold = fake.hold(Call.START);
 * lane.submit(() -> fake.containers().start(id));
 * await().until(() -> hold.waiting() == 1);       // the start is stuck in the "engine"
 * ...                                              // other pods' calls still work
 * hold.releaseWith(new RuntimeError.TimedOut("start: no answer within 10s", null));
 * }</pre>
 */
public final class Hold {
    private final FakeContainerRuntime.Call call;
    private final String target;
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile RuntimeError outcome;

    Hold(FakeContainerRuntime.Call call, String target) {
        this.call = call;
        this.target = target;
    }

    /** How many calls wait in this hold now. */
    public int waiting() {
        return waiting.get();
    }

    /** The held calls, and later ones, go on as usual; the hold is lifted. */
    public void release() {
        released.countDown();
    }

    /**
     * The held calls throw {@code error} (typically {@link RuntimeError.TimedOut}, what an adapter throws once a
     * call's deadline is over); later calls go on as usual.
     */
    public void releaseWith(RuntimeError error) {
        outcome = error;
        released.countDown();
    }

    boolean released() {
        return released.getCount() == 0;
    }

    boolean matches(FakeContainerRuntime.Call call, String target) {
        return !released() && this.call == call && (this.target == null || this.target.equals(target));
    }

    /** Waits for the release; an interrupted wait ends as a time-out would. */
    void await() {
        waiting.incrementAndGet();
        try {
            released.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeError.TimedOut("fake: " + call + " interrupted while held", e);
        } finally {
            waiting.decrementAndGet();
        }
        RuntimeError error = outcome;
        if (error != null) {
            throw error;
        }
    }
}
