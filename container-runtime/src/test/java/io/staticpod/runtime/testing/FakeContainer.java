package io.staticpod.runtime.testing;

import io.staticpod.runtime.ContainerInfo;
import io.staticpod.runtime.LaunchSpec;

import java.time.Duration;
import java.time.Instant;

/** One container of a {@link FakeContainerRuntime}. Mutable; every field is guarded by the engine's lock. */
final class FakeContainer {

    final String id;
    final LaunchSpec spec;
    final String imageId;
    final Instant createdAt;
    final long sequence;
    ContainerInfo.State state = ContainerInfo.State.CREATED;
    int exitCode;
    boolean oomKilled;
    Instant startedAt;
    Instant finishedAt;
    String ipAddress;
    String error;
    Duration lastStopGrace;

    FakeContainer(String id, LaunchSpec spec, String imageId, Instant createdAt, long sequence) {
        this.id = id;
        this.spec = spec;
        this.imageId = imageId;
        this.createdAt = createdAt;
        this.sequence = sequence;
    }

    void exited(int code, boolean oom, Instant now) {
        state = ContainerInfo.State.EXITED;
        exitCode = code;
        oomKilled = oom;
        finishedAt = now;
        ipAddress = null; // Docker releases the address when the container stops
    }

    ContainerInfo info() {
        return new ContainerInfo(id, spec.name(), spec.image(), imageId, spec.labels(), state,
                state == ContainerInfo.State.EXITED ? exitCode : 0, oomKilled, createdAt, startedAt, finishedAt,
                ipAddress, error);
    }
}
