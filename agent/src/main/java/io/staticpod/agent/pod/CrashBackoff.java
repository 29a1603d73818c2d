package io.staticpod.agent.pod;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

/**
 * The kubelet's CrashLoopBackOff: the first restart is immediate, then the container waits 10 s, 20 s, 40 s … up
 * to 5 min after its last exit; a container that ran for 10 minutes starts again from the beginning.
 *
 * <p>As the kubelet's {@code flowcontrol.Backoff}: an entry holds the current delay and when it was last raised.
 * On an exit, if the entry is older than twice the maximum when the exit was seen, it is forgotten. Otherwise,
 * while {@code now < exit + delay} the container is in back-off; after that the delay doubles and it restarts.
 *
 * <p>Better than the kubelet where it hurts: all of this is measured on a monotonic clock from the moment the agent
 * first saw the exit (within a second of it: runtime events and the one-second relist), back-dated by the age the
 * runtime's wall-clock {@code finishedAt} gives it only within {@code [0, delay]}. Comparing wall-clock times alone, a
 * system clock set back an hour would hold a crashed etcd for an hour, and one set forward would release a crash
 * loop at full speed.
 *
 * <p>Thread-safe (synchronized). {@code wall} only expresses {@link Decision.Wait#until()} in the caller's time.
 */
public final class CrashBackoff {
    public static final Duration INITIAL = Duration.ofSeconds(10);
    public static final Duration MAX = Duration.ofSeconds(300);

    private final InstantSource wall;
    private final InstantSource monotonic;
    private final Duration initial;
    private final Duration max;
    // guarded by this
    private final Map<String, Entry> entries = new HashMap<>();

    /**
     * @param lastUpdate when the delay was last set (monotonic)
     * @param exit       the exit this entry has seen last, as the runtime reported it ({@code finishedAt})
     * @param exitSeen   when the agent first saw that exit (monotonic)
     */
    private record Entry(Duration delay, Instant lastUpdate, Instant exit, Instant exitSeen) {
    }

    /** Whether to restart now, or when. */
    public sealed interface Decision permits Decision.Now, Decision.Wait {
        /** Restart now; {@code delay} is the back-off that applies to the next crash. */
        record Now(Duration delay) implements Decision {
        }

        /** In back-off until {@code until} ({@code delay} after the exit was seen), on the caller's wall clock. */
        record Wait(Instant until, Duration delay) implements Decision {
        }
    }

    /** One clock for both roles: for tests that step time by hand. */
    public CrashBackoff(InstantSource clock) {
        this(clock, clock, INITIAL, MAX);
    }

    public CrashBackoff(InstantSource wall, InstantSource monotonic) {
        this(wall, monotonic, INITIAL, MAX);
    }

    public CrashBackoff(InstantSource wall, InstantSource monotonic, Duration initial, Duration max) {
        this.wall = wall;
        this.monotonic = monotonic;
        this.initial = initial;
        this.max = max;
    }

    /**
     * Decides for a container whose last exit the runtime reports at {@code finishedAt} (a new value is a new exit);
     * a {@link Decision.Now} raises the delay for the next time, so call it only when the restart is going to happen.
     */
    public synchronized Decision next(String key, Instant finishedAt) {
        Instant now = monotonic.instant();
        Entry e = entries.get(key);
        if (e != null && !java.util.Objects.equals(e.exit, finishedAt)) {
            e = new Entry(e.delay, e.lastUpdate, finishedAt, now.minus(age(finishedAt, e.delay))); // a new exit
            if (Duration.between(e.lastUpdate, e.exitSeen).compareTo(max.multipliedBy(2)) > 0) {
                e = null; // it ran long enough: start over
            }
        }
        if (e == null) {
            entries.put(key, new Entry(initial, now, finishedAt, now));
            return new Decision.Now(initial);
        }
        Instant until = e.exitSeen.plus(e.delay);
        if (now.isBefore(until)) {
            entries.put(key, e);
            return new Decision.Wait(wall.instant().plus(Duration.between(now, until)), e.delay);
        }
        Duration doubled = e.delay.multipliedBy(2);
        Duration next = doubled.compareTo(max) > 0 ? max : doubled;
        entries.put(key, new Entry(next, now, finishedAt, e.exitSeen));
        return new Decision.Now(next);
    }

    /**
     * How long ago the runtime says the exit happened, trusted only within {@code [0, delay]}: a few seconds late
     * (a busy pod lane) still counts, a clock set back counts as just now, one set forward releases one restart.
     */
    private Duration age(Instant finishedAt, Duration delay) {
        if (finishedAt == null) {
            return Duration.ZERO;
        }
        Duration age = Duration.between(finishedAt, wall.instant());
        return age.isNegative() ? Duration.ZERO : age.compareTo(delay) > 0 ? delay : age;
    }

    /** Forgets every key that starts with {@code prefix} (a pod that is gone). */
    public synchronized void forget(String prefix) {
        entries.keySet().removeIf(k -> k.startsWith(prefix));
    }
}
