package io.staticpod.runtime;

import java.time.Instant;
import java.util.Map;

/**
 * A container as the engine reports it. Immutable snapshot.
 *
 * @param id         full container id
 * @param name       name without a leading slash
 * @param image      image reference as created
 * @param imageId    the engine's image id, or null
 * @param labels     all labels
 * @param state      the lifecycle state
 * @param exitCode   exit code when {@link State#EXITED}, else 0
 * @param oomKilled  true when the kernel's OOM killer ended it
 * @param createdAt  creation time
 * @param startedAt  last start time, or null if never started
 * @param finishedAt last exit time, or null if it has not exited
 * @param ipAddress  its IP address on the engine's network, or null (host network, joined network, none)
 * @param error      the engine's error for a container that failed to start, or null
 */
public record ContainerInfo(
        String id,
        String name,
        String image,
        String imageId,
        Map<String, String> labels,
        State state,
        int exitCode,
        boolean oomKilled,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        String ipAddress,
        String error) {

    public ContainerInfo {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public enum State { CREATED, RUNNING, EXITED, UNKNOWN }

    public boolean running() {
        return state == State.RUNNING;
    }

    public String label(String key) {
        return labels.get(key);
    }
}
