package io.staticpod.runtime.spi;

import java.util.Map;

/**
 * One container lifecycle event.
 *
 * @param containerId null for {@link Type#RESYNC}
 * @param labels      the container's labels (empty for {@link Type#RESYNC})
 * @param exitCode    for {@link Type#EXITED} when the engine says, else null
 */
public record ContainerEvent(Type type, String containerId, Map<String, String> labels, Integer exitCode) {
    public enum Type {
        STARTED,
        EXITED,
        REMOVED,
        /** The stream had a gap (it was cut and is back): events may have been missed; relist. */
        RESYNC
    }

    public ContainerEvent {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
