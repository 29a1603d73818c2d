package io.staticpod.mirror.api;

import java.time.Duration;

/** Doubling waits between failed attempts, from a start to a cap; reset on success. Not thread-safe. */
final class Backoff {
    private final Duration start;
    private final Duration max;
    private Duration next;
    private int failures;

    Backoff(Duration start, Duration max) {
        this.start = start;
        this.max = max;
        this.next = start;
    }

    /** The wait before the next attempt, after one more failure. */
    Duration fail() {
        Duration d = next;
        failures++;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return d;
    }

    /** Failures since the last success. */
    int failures() {
        return failures;
    }

    void reset() {
        next = start;
        failures = 0;
    }
}
