package io.staticpod.agent.sync;

import java.time.Duration;
import java.time.Instant;

/**
 * The kubelet's CrashLoopBackOff, as pure functions of the history: the first restart is immediate, then the
 * container waits 10 s, 20 s, 40 s … up to 5 min after its last exit; one that ran for 10 minutes starts over. As
 * the kubelet's {@code flowcontrol.Backoff}: an entry holds the current delay and when it was last raised; an exit
 * more than twice the maximum after that forgets it.
 *
 * <p>Every instant is on the monotonic clock ({@link RestartHistory} records when an exit was seen), so a system
 * clock set back does not hold a crashed etcd for an hour, nor does one set forward release a crash loop.
 */
public final class CrashBackOff {
    public static final Duration INITIAL = Duration.ofSeconds(10);
    public static final Duration MAX = Duration.ofSeconds(300);

    private CrashBackOff() {
    }

    /** Whether a container whose last exit (or failed start) happened at {@code event} may restart now. */
    public sealed interface Decision permits Decision.Now, Decision.Wait {
        record Now() implements Decision {
        }

        /** In back-off until {@code until}; {@code delay} is the back-off that applies. */
        record Wait(Instant until, Duration delay) implements Decision {
        }
    }

    /** As the kubelet's {@code IsInBackOffSince}, without changing anything. */
    public static Decision decide(ContainerHistory.BackOff backOff, Instant event, Instant now) {
        if (backOff == null || expired(backOff, event)) {
            return new Decision.Now();
        }
        Instant until = event.plus(backOff.delay());
        return now.isBefore(until) ? new Decision.Wait(until, backOff.delay()) : new Decision.Now();
    }

    /** As the kubelet's {@code Next}: the entry after a restart at {@code now} that answered {@code event}. */
    public static ContainerHistory.BackOff next(ContainerHistory.BackOff backOff, Instant event, Instant now) {
        if (backOff == null || expired(backOff, event)) {
            return new ContainerHistory.BackOff(INITIAL, now);
        }
        Duration doubled = backOff.delay().multipliedBy(2);
        return new ContainerHistory.BackOff(doubled.compareTo(MAX) > 0 ? MAX : doubled, now);
    }

    /** It ran long enough since the delay was last raised: start over. */
    private static boolean expired(ContainerHistory.BackOff backOff, Instant event) {
        return Duration.between(backOff.lastRestart(), event).compareTo(MAX.multipliedBy(2)) > 0;
    }
}
