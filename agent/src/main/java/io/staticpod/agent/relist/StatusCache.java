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
 */
final class StatusCache {
    private final ContainerRuntime runtime;
    private final Map<String, ContainerStatus> byId = new ConcurrentHashMap<>();

    StatusCache(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    /** The full view of each listed container; one that vanished since the list is left out. */
    List<ContainerView> views(List<ContainerSummary> summaries) {
        List<ContainerView> out = new ArrayList<>();
        for (ContainerSummary s : summaries) {
            ContainerStatus cached = byId.get(s.id());
            if (cached == null || cached.state() != s.state()) {
                Optional<ContainerStatus> fetched = runtime.containers().status(s.id());
                if (fetched.isEmpty()) {
                    byId.remove(s.id());
                    continue;
                }
                cached = fetched.get();
                byId.put(s.id(), cached);
            }
            out.add(new ContainerView(s.sandboxId(), cached));
        }
        return out;
    }

    /** Forgets containers that are no longer listed. */
    void retain(Set<String> ids) {
        byId.keySet().retainAll(ids);
    }

    int size() {
        return byId.size();
    }
}
