package io.staticpod.agent.sync;

import java.time.Duration;
import java.time.Instant;

/**
 * What the agent remembers of one container ({@link ContainerRef}) across its instances. Every instant is on the
 * monotonic clock.
 *
 * @param backOff  the crash back-off, or null before the first restart
 * @param exitedId the instance whose exit was seen last (an instance exits once), or null
 * @param exitSeen when the agent counts that exit as having happened, or null
 * @param failure  the last failed start (before a container existed), or null; cleared by a successful start
 */
public record ContainerHistory(BackOff backOff, String exitedId, Instant exitSeen, StartFailure failure) {
    public static final ContainerHistory NONE = new ContainerHistory(null, null, null, null);

    /**
     * The kubelet's back-off entry.
     *
     * @param delay       how long the next restart waits after an exit
     * @param lastRestart when the delay was last set: the last restart that counted
     */
    public record BackOff(Duration delay, Instant lastRestart) {
    }

    /** A start that failed: no container came of it (image, volume, configuration, the engine's refusal). */
    public record StartFailure(Instant at, String reason, String message) {
    }

    /** When the exit of instance {@code containerId} happened, as the agent counts it, or null if not seen. */
    public Instant seen(String containerId) {
        return containerId.equals(exitedId) ? exitSeen : null;
    }
}
