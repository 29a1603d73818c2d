package io.staticpod.runtime.spi;

import java.time.Instant;
import java.util.Map;

/**
 * A container in full, as CRI's {@code ContainerStatus}. Once {@link ContainerState#EXITED}, nothing here changes
 * any more: callers may keep it until the container is removed.
 *
 * @param imageRef   the engine's id of the image, or null
 * @param startedAt  null if it never started
 * @param finishedAt null unless it exited
 * @param exitCode   when exited, else 0
 * @param reason     when exited: {@code Completed}, {@code Error}, {@code OOMKilled}, or {@code StartError} (it never
 *                   ran: a bad command, a mount that failed); else null
 * @param message    the engine's words about the exit (a start error), or null
 * @param logPath    the file its output goes to, for runtimes that write log files ({@link Capabilities#logFiles()}),
 *                   else null
 */
public record ContainerStatus(String id, String name, int attempt, String image, String imageRef,
                              ContainerState state, Instant createdAt, Instant startedAt, Instant finishedAt,
                              int exitCode, String reason, String message, Map<String, String> labels,
                              Map<String, String> annotations, String logPath) {
    public ContainerStatus {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public boolean running() {
        return state == ContainerState.RUNNING;
    }

    public boolean exited() {
        return state == ContainerState.EXITED;
    }
}
