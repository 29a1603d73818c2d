package io.staticpod.runtime.spi;

import java.util.Map;
import java.util.function.Consumer;

/**
 * Container lifecycle events as they happen, so that an exit is seen at once rather than at the next relist. Events
 * are hints: the relist remains the truth, and after any gap in the stream a {@link ContainerEvent.Type#RESYNC} says
 * to relist.
 */
public interface ExitEvents {

    /**
     * Delivers events of containers whose labels include all of {@code labels} to {@code listener}, in order, on a
     * thread of the runtime's, until the returned handle is closed. One long-lived connection; when it is cut the
     * adapter reconnects by itself (with a back-off) and delivers {@link ContainerEvent.Type#RESYNC} first. Never
     * throws for a runtime that is down: it keeps trying. The listener must not block.
     */
    AutoCloseable subscribe(Map<String, String> labels, Consumer<ContainerEvent> listener);
}
