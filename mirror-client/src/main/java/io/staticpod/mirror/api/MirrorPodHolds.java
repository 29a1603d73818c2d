package io.staticpod.mirror.api;

import io.staticpod.manifest.PodKey;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Why each pod's mirror waits before its next attempt, and until when ({@link Ticker} nanoseconds): the API server
 * refused it (a missing namespace, admission: tried again every {@link Timing#resync()}, or at once for a new version
 * of the pod), a create met 409 with nothing to adopt (a mirror still being deleted), or the API server failed the
 * request (5xx). The last two back off doubling, per pod, so one pod's trouble never holds back another's mirror.
 * Worker thread only.
 */
final class MirrorPodHolds {
    enum Reason { REFUSED, CONFLICT, FAILED }

    private final Timing timing;
    private final Map<PodKey, Hold> holds = new HashMap<>();

    MirrorPodHolds(Timing timing) {
        this.timing = timing;
    }

    /** Whether the mirror of this version ({@code hash}) of the pod must wait at {@code now}. */
    boolean waiting(PodKey key, String hash, long now) {
        Hold h = holds.get(key);
        if (h == null || h.reason == Reason.REFUSED && !h.hash.equals(hash)) {
            return false;
        }
        return now - h.retryAt < 0;
    }

    /** A refusal; true when it is news (another version or another message), to be logged. */
    boolean refused(PodKey key, String hash, String message, long now) {
        Hold before = holds.put(key, new Hold(Reason.REFUSED, hash, message, 1, now + timing.resync().toNanos()));
        return before == null || before.reason != Reason.REFUSED || !before.hash.equals(hash)
                || !before.message.equals(message);
    }

    /** A conflict or a failure: the wait doubles with each attempt, to {@link Timing#backoffMax()}, or longer if asked. */
    Duration backOff(PodKey key, Reason reason, String hash, long now, Duration atLeast) {
        Hold before = holds.get(key);
        int attempts = before != null && before.reason == reason ? before.attempts + 1 : 1;
        Duration wait = timing.backoffStart().multipliedBy(1L << Math.min(attempts - 1, 16));
        if (wait.compareTo(timing.backoffMax()) > 0) {
            wait = timing.backoffMax();
        }
        if (atLeast.compareTo(wait) > 0) {
            wait = atLeast;
        }
        holds.put(key, new Hold(reason, hash, "", attempts, now + wait.toNanos()));
        return wait;
    }

    /** Attempts in a row that ended in the pod's current hold, 0 without one. */
    int attempts(PodKey key) {
        Hold h = holds.get(key);
        return h == null ? 0 : h.attempts;
    }

    /** The pod's mirror is as it should be; true when it had been refused before. */
    boolean clear(PodKey key) {
        Hold h = holds.remove(key);
        return h != null && h.reason == Reason.REFUSED;
    }

    void retain(Set<PodKey> keys) {
        holds.keySet().retainAll(keys);
    }

    /** Nanoseconds from {@code now} until the first hold still running ends, or {@link Long#MAX_VALUE} with none. */
    long nextIn(long now) {
        return holds.values().stream().mapToLong(h -> h.retryAt - now).filter(d -> d > 0).min()
                .orElse(Long.MAX_VALUE);
    }

    private record Hold(Reason reason, String hash, String message, int attempts, long retryAt) {
    }
}
