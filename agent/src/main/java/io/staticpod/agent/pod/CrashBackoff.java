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
 * On an exit, if the entry is older than twice the maximum when the container finished, it is forgotten. Otherwise,
 * while {@code now < finishedAt + delay} the container is in back-off; after that the delay doubles and it restarts.
 *
 * <p>Thread-safe (synchronized); time comes from the injected {@link InstantSource}.
 */
public final class CrashBackoff {
    public static final Duration INITIAL = Duration.ofSeconds(10);
    public static final Duration MAX = Duration.ofSeconds(300);

    private final InstantSource clock;
    private final Duration initial;
    private final Duration max;
    // guarded by this
    private final Map<String, Entry> entries = new HashMap<>();

    private record Entry(Duration delay, Instant lastUpdate) {
    }

    /** Whether to restart now, or when. */
    public sealed interface Decision permits Decision.Now, Decision.Wait {
        /** Restart now; {@code delay} is the back-off that applies to the next crash. */
        record Now(Duration delay) implements Decision {
        }

        /** In back-off until {@code until} ({@code delay} after the last exit). */
        record Wait(Instant until, Duration delay) implements Decision {
        }
    }

    public CrashBackoff(InstantSource clock) {
        this(clock, INITIAL, MAX);
    }

    public CrashBackoff(InstantSource clock, Duration initial, Duration max) {
        this.clock = clock;
        this.initial = initial;
        this.max = max;
    }

    /**
     * Decides for a container that exited at {@code finishedAt}; a {@link Decision.Now} raises the delay for the
     * next time, so call it only when the restart is going to happen.
     */
    public synchronized Decision next(String key, Instant finishedAt) {
        Instant now = clock.instant();
        Entry e = entries.get(key);
        if (e != null && finishedAt != null && Duration.between(e.lastUpdate, finishedAt).compareTo(max.multipliedBy(2)) > 0) {
            e = null; // it ran long enough: start over
        }
        if (e == null) {
            entries.put(key, new Entry(initial, now));
            return new Decision.Now(initial);
        }
        Instant reference = finishedAt == null ? e.lastUpdate : finishedAt;
        Instant until = reference.plus(e.delay);
        if (now.isBefore(until)) {
            return new Decision.Wait(until, e.delay);
        }
        Duration doubled = e.delay.multipliedBy(2);
        Duration next = doubled.compareTo(max) > 0 ? max : doubled;
        entries.put(key, new Entry(next, now));
        return new Decision.Now(next);
    }

    /** Forgets every key that starts with {@code prefix} (a pod that is gone). */
    public synchronized void forget(String prefix) {
        entries.keySet().removeIf(k -> k.startsWith(prefix));
    }
}
