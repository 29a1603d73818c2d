package io.staticpod.mirror.api;

/**
 * The monotonic clock every timing decision of the client reads: back-off, when the Lease and the Node's status are
 * due, the event rate and the window in which a repeated event is counted up. Nanoseconds from an arbitrary origin,
 * never moved by a change of the system time (an NTP step, {@code date -s}). Times written into API objects (Lease
 * renewTime, event and condition times) come from an {@link java.time.InstantSource} instead. Tests step a fake.
 */
@FunctionalInterface
public interface Ticker {

    /** {@link System#nanoTime()}. */
    Ticker SYSTEM = System::nanoTime;

    /** Now, in nanoseconds; only differences between two readings mean anything. */
    long nanos();
}
