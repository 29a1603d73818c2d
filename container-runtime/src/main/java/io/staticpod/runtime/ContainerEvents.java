package io.staticpod.runtime;

import java.util.Map;
import java.util.function.Consumer;

/**
 * An optional ability of a runtime: a stream of container lifecycle events, so that an exit is noticed at once
 * rather than at the next list. Events are hints (they may be lost, e.g. while the engine restarts); the agent's
 * periodic list remains the source of truth.
 */
public interface ContainerEvents {

    /** A container started, died or was removed. {@code labels} are the container's labels. */
    record Event(String containerId, String action, Map<String, String> labels) {
        public Event {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    /**
     * Delivers events of containers carrying all of {@code labels} to {@code listener}, on a thread of the runtime's,
     * until the returned handle is closed. Reconnects by itself when the stream breaks. Never throws for a runtime
     * that is down: it keeps trying.
     */
    AutoCloseable subscribe(Map<String, String> labels, Consumer<Event> listener);
}
