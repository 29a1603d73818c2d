package io.staticpod.agent.sync;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The one restart history of the agent: per {@link ContainerRef}, the crash back-off, the last exit seen and the last
 * failed start; and which notices (log lines, events) were already given for which container instance. The
 * {@link PodPlanner} reads a {@link #snapshot}; the sync records what it observed and what it did.
 *
 * <p>Time is monotonic: an exit counts from when the agent first saw it (within a second of it: exit events and the
 * one-second relist), back-dated by the age the runtime's wall-clock {@code finishedAt} gives it only within
 * {@code [0, current delay]}: a few seconds late still counts, a clock set back counts as just now, one set forward
 * releases one restart at most.
 *
 * <p>Thread-safe (synchronized); lanes use disjoint keys.
 */
public final class RestartHistory {
    private final InstantSource wall;
    private final InstantSource monotonic;
    // guarded by this
    private final Map<ContainerRef, ContainerHistory> entries = new HashMap<>();
    // guarded by this: per pod UID, "<container id>/<notice>" already given
    private final Map<String, Set<String>> notices = new HashMap<>();

    /**
     * @param wall      the system clock, to tell how old a runtime's {@code finishedAt} is
     * @param monotonic the clock every decision is made on
     */
    public RestartHistory(InstantSource wall, InstantSource monotonic) {
        this.wall = wall;
        this.monotonic = monotonic;
    }

    /** The monotonic now, on which {@link PodPlanner} plans. */
    public Instant now() {
        return monotonic.instant();
    }

    /** What is known of the containers of pod version {@code podUid}, by name. Immutable. */
    public synchronized Map<String, ContainerHistory> snapshot(String podUid) {
        Map<String, ContainerHistory> out = new HashMap<>();
        entries.forEach((ref, h) -> {
            if (ref.podUid().equals(podUid)) {
                out.put(ref.containerName(), h);
            }
        });
        return Map.copyOf(out);
    }

    /** The instance {@code containerId} of {@code ref} is seen exited, {@code finishedAt} by the runtime's clock. */
    public synchronized void exitSeen(ContainerRef ref, String containerId, Instant finishedAt) {
        ContainerHistory h = entries.getOrDefault(ref, ContainerHistory.NONE);
        if (containerId.equals(h.exitedId())) {
            return;
        }
        Duration cap = h.backOff() == null ? Duration.ZERO : h.backOff().delay();
        Duration age = finishedAt == null ? Duration.ZERO : Duration.between(finishedAt, wall.instant());
        age = age.isNegative() ? Duration.ZERO : age.compareTo(cap) > 0 ? cap : age;
        entries.put(ref, new ContainerHistory(h.backOff(), containerId, now().minus(age), h.failure()));
    }

    /** A restart that answered the exit or failure at {@code event} (monotonic) is under way: raise the delay. */
    public synchronized void restarted(ContainerRef ref, Instant event) {
        ContainerHistory h = entries.getOrDefault(ref, ContainerHistory.NONE);
        entries.put(ref, new ContainerHistory(CrashBackOff.next(h.backOff(), event, now()), h.exitedId(),
                h.exitSeen(), h.failure()));
    }

    /** A start failed before a container existed; the reason is the status's waiting reason. */
    public synchronized void startFailed(ContainerRef ref, String reason, String message) {
        ContainerHistory h = entries.getOrDefault(ref, ContainerHistory.NONE);
        entries.put(ref, new ContainerHistory(h.backOff(), h.exitedId(), h.exitSeen(),
                new ContainerHistory.StartFailure(now(), reason, message)));
    }

    /** A start succeeded: the last failure no longer applies. */
    public synchronized void started(ContainerRef ref) {
        ContainerHistory h = entries.get(ref);
        if (h != null && h.failure() != null) {
            entries.put(ref, new ContainerHistory(h.backOff(), h.exitedId(), h.exitSeen(), null));
        }
    }

    /**
     * True the first time it is asked for this instance and notice (an exit line, a back-off event), so that each is
     * given once however often the pod is synced.
     */
    public synchronized boolean firstNotice(String podUid, String containerId, String notice) {
        return notices.computeIfAbsent(podUid, k -> new HashSet<>()).add(containerId + "/" + notice);
    }

    /** Forgets the notices of instances of {@code podUid} that no longer exist. */
    public synchronized void retainNotices(String podUid, Set<String> containerIds) {
        Set<String> given = notices.get(podUid);
        if (given != null) {
            given.removeIf(n -> !containerIds.contains(n.substring(0, n.lastIndexOf('/'))));
        }
    }

    /** Forgets everything of a pod version that is gone. */
    public synchronized void forget(String podUid) {
        entries.keySet().removeIf(ref -> ref.podUid().equals(podUid));
        notices.remove(podUid);
    }
}
