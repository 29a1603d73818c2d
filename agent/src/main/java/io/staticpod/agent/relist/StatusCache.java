package io.staticpod.agent.relist;

import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.ContainerSummary;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Container statuses by id, so that a relist asks the runtime only about containers it has not seen in their current
 * state: an exited container's status never changes, and a running one's only when it stops. Thread-safe.
 *
 * <p>An exit event may come before the runtime's list shows the exit (Docker sends {@code die} before it writes the
 * container's new state to the view its list reads; containerd's CRI plugin writes its store after the task's exit
 * event). A container {@linkplain #exited reported exited} is therefore asked about, whatever the list says, until its
 * status shows it stopped.
 */
final class StatusCache {
    private final ContainerRuntime runtime;
    private final Map<String, ContainerStatus> byId = new ConcurrentHashMap<>();
    /** Containers an exit event reported whose status did not show the exit yet. */
    private final Set<String> exitedByEvent = ConcurrentHashMap.newKeySet();

    StatusCache(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    /** The full view of each listed container; one that vanished since the list is left out. */
    List<ContainerView> views(List<ContainerSummary> summaries) {
        List<ContainerView> out = new ArrayList<>();
        for (ContainerSummary s : summaries) {
            ContainerStatus cached = byId.get(s.id());
            boolean reported = exitedByEvent.contains(s.id());
            if (cached == null || cached.state() != s.state() || reported && cached.running()) {
                Optional<ContainerStatus> fetched = runtime.containers().status(s.id());
                if (fetched.isEmpty()) {
                    byId.remove(s.id());
                    exitedByEvent.remove(s.id());
                    continue;
                }
                cached = fetched.get();
                byId.put(s.id(), cached);
                if (!cached.running()) {
                    exitedByEvent.remove(s.id());
                }
            }
            out.add(new ContainerView(s.sandboxId(), cached));
        }
        return out;
    }

    /** An exit event reported this container exited: ask its status until it shows so. */
    void exited(String id) {
        exitedByEvent.add(id);
    }

    /** Reported exited by an event, and no status read since has shown it. */
    boolean awaitingExit(String id) {
        return exitedByEvent.contains(id);
    }

    /** Forgets containers that are no longer listed. */
    void retain(Set<String> ids) {
        byId.keySet().retainAll(ids);
        exitedByEvent.retainAll(ids);
    }

    int size() {
        return byId.size();
    }
}
