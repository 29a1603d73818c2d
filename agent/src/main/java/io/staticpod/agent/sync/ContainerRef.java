package io.staticpod.agent.sync;

import java.util.Objects;

/** One container of one pod version, across its instances: what the restart history is kept by. */
public record ContainerRef(String podUid, String containerName) {
    public ContainerRef {
        Objects.requireNonNull(podUid, "podUid");
        Objects.requireNonNull(containerName, "containerName");
    }

    @Override
    public String toString() {
        return podUid + "/" + containerName;
    }
}
