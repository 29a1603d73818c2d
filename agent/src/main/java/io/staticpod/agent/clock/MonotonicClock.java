package io.staticpod.agent.clock;

import java.time.Instant;
import java.time.InstantSource;

/**
 * A clock for measuring how long things took and when to act next: it reads like the wall clock at the agent's
 * start and then advances with {@link System#nanoTime()}, so setting the system clock (an NTP step, an operator's
 * {@code date -s}, a VM resumed from a snapshot) never moves it. Back-off, probe delays and health ages use it; times
 * shown to users come from the wall clock or the container runtime.
 */
public final class MonotonicClock implements InstantSource {
    /** The process-wide instance, anchored when the class is loaded. */
    public static final MonotonicClock SYSTEM = new MonotonicClock();

    private final Instant anchor = Instant.now();
    private final long anchorNanos = System.nanoTime();

    private MonotonicClock() {
    }

    @Override
    public Instant instant() {
        return anchor.plusNanos(System.nanoTime() - anchorNanos);
    }
}
