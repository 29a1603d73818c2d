package io.staticpod.agent.relist;

import io.staticpod.manifest.PodKey;
import io.staticpod.runtime.spi.Sandbox;

import java.util.List;
import java.util.Objects;

/**
 * Everything the runtime has under one pod key, every version (UID) of the pod together: its sandboxes as listed and
 * its containers in full. Immutable.
 */
public record PodView(PodKey key, List<Sandbox> sandboxes, List<ContainerView> containers) {
    public PodView {
        Objects.requireNonNull(key, "key");
        sandboxes = List.copyOf(sandboxes);
        containers = List.copyOf(containers);
    }

    public static PodView empty(PodKey key) {
        return new PodView(key, List.of(), List.of());
    }

    public boolean isEmpty() {
        return sandboxes.isEmpty() && containers.isEmpty();
    }

    /** The containers of one version of the pod. */
    public List<ContainerView> containersOf(String uid) {
        return containers.stream().filter(c -> c.podUid().equals(uid)).toList();
    }

    /** The sandboxes of one version of the pod. */
    public List<Sandbox> sandboxesOf(String uid) {
        return sandboxes.stream().filter(s -> s.metadata().uid().equals(uid)).toList();
    }
}
