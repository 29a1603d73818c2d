package io.staticpod.runtime.cri;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.staticpod.runtime.cri.proto.Cri;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.Containers;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Containers through the CRI. Deadlines: {@link CriSettings#callTimeout()}, and for a stop its grace period plus
 * {@link CriSettings#stopMargin()}. Removing a container deletes its log file (and the files rotated from it) and its
 * in-memory mounts, as the kubelet deletes the log of a container it removes.
 */
final class CriContainers implements Containers {
    private final CriCalls calls;
    private final CriImages images;
    private final InMemoryMounts memory;

    CriContainers(CriCalls calls, CriImages images, InMemoryMounts memory) {
        this.calls = calls;
        this.images = images;
        this.memory = memory;
    }

    @Override
    public String create(String sandboxId, ContainerConfig config, SandboxConfig sandboxConfig) {
        String what = config.name() + " (attempt " + config.attempt() + ") in sandbox " + sandboxId;
        Cri.CreateContainerRequest request = Cri.CreateContainerRequest.newBuilder()
                .setPodSandboxId(sandboxId)
                .setConfig(CriRequests.container(config, sandboxConfig, memory.mounts(sandboxId, config)))
                .setSandboxConfig(CriRequests.sandbox(sandboxConfig, calls.settings().logDirectory(sandboxConfig)))
                .build();
        try {
            return createOnce(request);
        } catch (StatusRuntimeException first) {
            Status.Code code = first.getStatus().getCode();
            if (code == Status.Code.NOT_FOUND) {
                // the sandbox or the image: ask which, rather than read the message
                if (images.status(config.image()).isEmpty()) {
                    throw new RuntimeError.ImageUnavailable("CRI CreateContainer " + what + ": image "
                            + config.image() + " is not present (" + calls.errors().describe("CreateContainer",
                            null, first.getStatus()) + ")", first);
                }
                throw calls.errors().map("CreateContainer", what, first);
            }
            // a leftover of the same name and attempt that is not running holds the name: remove it, once
            if (code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED
                    && removeLeftover(sandboxId, config)) {
                try {
                    return createOnce(request);
                } catch (StatusRuntimeException second) {
                    throw calls.errors().map("CreateContainer", what, second);
                }
            }
            throw calls.errors().map("CreateContainer", what, first);
        }
    }

    private String createOnce(Cri.CreateContainerRequest request) {
        return calls.runtimeRaw(calls.callTimeout(), s -> s.createContainer(request)).getContainerId();
    }

    private boolean removeLeftover(String sandboxId, ContainerConfig config) {
        boolean removed = false;
        try {
            for (Cri.Container c : inSandbox(sandboxId)) {
                if (c.getMetadata().getName().equals(config.name())
                        && c.getMetadata().getAttempt() == config.attempt()
                        && c.getState() != Cri.ContainerState.CONTAINER_RUNNING) {
                    remove(c.getId());
                    removed = true;
                }
            }
        } catch (RuntimeError e) {
            // the first failure is the one to report
            return false;
        }
        return removed;
    }

    List<Cri.Container> inSandbox(String sandboxId) {
        Cri.ListContainersRequest request = Cri.ListContainersRequest.newBuilder()
                .setFilter(Cri.ContainerFilter.newBuilder().setPodSandboxId(sandboxId)).build();
        return calls.runtime("ListContainers", "in sandbox " + sandboxId, calls.callTimeout(),
                s -> s.listContainers(request)).getContainersList();
    }

    @Override
    public void start(String containerId) {
        calls.runtime("StartContainer", containerId, calls.callTimeout(), s -> s.startContainer(
                Cri.StartContainerRequest.newBuilder().setContainerId(containerId).build()));
    }

    @Override
    public void stop(String containerId, Duration grace) {
        long seconds = Math.max(0, (grace.toMillis() + 999) / 1000);
        try {
            calls.runtimeRaw(grace.plus(calls.settings().stopMargin()), s -> s.stopContainer(
                    Cri.StopContainerRequest.newBuilder().setContainerId(containerId).setTimeout(seconds).build()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw calls.errors().map("StopContainer", containerId, e);
            }
        }
    }

    @Override
    public void remove(String containerId) {
        Optional<Cri.ContainerStatus> status = rawStatus(containerId);
        Optional<String> sandbox = status.isPresent() && memory.inUse() ? sandboxOf(containerId) : Optional.empty();
        try {
            calls.runtimeRaw(calls.callTimeout(), s -> s.removeContainer(
                    Cri.RemoveContainerRequest.newBuilder().setContainerId(containerId).build()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw calls.errors().map("RemoveContainer", containerId, e);
            }
        }
        status.ifPresent(s -> {
            CriLogFiles.deleteWithRotated(s.getLogPath());
            sandbox.ifPresent(id -> memory.removeContainer(id, s.getMetadata().getName(), s.getMetadata().getAttempt()));
        });
    }

    @Override
    public Optional<ContainerStatus> status(String containerId) {
        return rawStatus(containerId).map(CriResults::status);
    }

    Optional<Cri.ContainerStatus> rawStatus(String containerId) {
        try {
            return Optional.of(calls.runtimeRaw(calls.callTimeout(), s -> s.containerStatus(
                    Cri.ContainerStatusRequest.newBuilder().setContainerId(containerId).build())).getStatus());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw calls.errors().map("ContainerStatus", containerId, e);
        }
    }

    /** The sandbox a container is in, or empty when it is gone. */
    Optional<String> sandboxOf(String containerId) {
        Cri.ListContainersRequest request = Cri.ListContainersRequest.newBuilder()
                .setFilter(Cri.ContainerFilter.newBuilder().setId(containerId)).build();
        return calls.runtime("ListContainers", containerId, calls.callTimeout(), s -> s.listContainers(request))
                .getContainersList().stream().map(Cri.Container::getPodSandboxId).findFirst();
    }

    @Override
    public List<ContainerSummary> list(Map<String, String> labels) {
        Cri.ListContainersRequest request = Cri.ListContainersRequest.newBuilder()
                .setFilter(Cri.ContainerFilter.newBuilder().putAllLabelSelector(labels)).build();
        return calls.runtime("ListContainers", "labels " + labels, calls.callTimeout(),
                s -> s.listContainers(request)).getContainersList().stream().map(CriResults::summary).toList();
    }

    /** Asks the runtime to reopen the container's log file (after it was renamed aside). */
    void reopenLog(String containerId) {
        calls.runtime("ReopenContainerLog", containerId, calls.callTimeout(), s -> s.reopenContainerLog(
                Cri.ReopenContainerLogRequest.newBuilder().setContainerId(containerId).build()));
    }
}
