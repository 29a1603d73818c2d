package io.staticpod.mirror.api;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A monotonic clock tests step by hand. Thread-safe. */
final class FakeTicker implements Ticker {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Override
    public long nanos() {
        return nanos.get();
    }
}
