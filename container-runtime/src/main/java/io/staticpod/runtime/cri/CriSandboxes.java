package io.staticpod.runtime.cri;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.staticpod.runtime.cri.proto.Cri;
import io.staticpod.runtime.spi.PodSandboxes;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.Sandbox;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;
import io.staticpod.runtime.spi.SandboxStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pod sandboxes through the CRI. Deadlines: {@link CriSettings#sandboxTimeout()} to run and to stop one (the
 * runtime runs CNI), {@link CriSettings#callTimeout()} for the rest.
 */
final class CriSandboxes implements PodSandboxes {
    private final CriCalls calls;
    private final CriContainers containers;
    private final InMemoryMounts memory;

    CriSandboxes(CriCalls calls, CriContainers containers, InMemoryMounts memory) {
        this.calls = calls;
        this.containers = containers;
        this.memory = memory;
    }

    @Override
    public String run(SandboxConfig config) {
        String pod = config.metadata().namespace() + "/" + config.metadata().name();
        String logDirectory = calls.settings().logDirectory(config);
        // the kubelet makes the pod's log directory; containerd makes only each container's below it
        try {
            Files.createDirectories(Path.of(logDirectory));
        } catch (IOException e) {
            throw new RuntimeError.Refused("cannot create the log directory " + logDirectory + " of pod " + pod
                    + ": " + e, e);
        }
        Cri.RunPodSandboxRequest request = Cri.RunPodSandboxRequest.newBuilder()
                .setConfig(CriRequests.sandbox(config, logDirectory)).build();
        java.time.Instant asked = java.time.Instant.now();
        try {
            return runOnce(request);
        } catch (StatusRuntimeException first) {
            RuntimeError failed = runFailed(pod, first);
            // a leftover of the same name and attempt (an agent killed half-way) holds the name: remove it and try
            // once more; a sandbox this very call left behind (containerd keeps one whose network it could not set
            // up) is removed if it can be, but is no reason to try again
            if (first.getStatus().getCode() != Status.Code.UNAVAILABLE
                    && first.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED
                    && removeLeftovers(config.metadata(), asked, failed)) {
                try {
                    return runOnce(request);
                } catch (StatusRuntimeException second) {
                    throw runFailed(pod, second);
                }
            }
            throw failed;
        }
    }

    private String runOnce(Cri.RunPodSandboxRequest request) {
        return calls.runtimeRaw(calls.settings().sandboxTimeout(), s -> s.runPodSandbox(request)).getPodSandboxId();
    }

    private RuntimeError runFailed(String pod, StatusRuntimeException e) {
        RuntimeError error = calls.errors().map("RunPodSandbox", "for pod " + pod, e);
        String answer = e.getStatus().getDescription();
        if (error instanceof RuntimeError.Refused && answer != null && answer.contains("sandbox image")) {
            return new RuntimeError.ImageUnavailable(error.getMessage() + " (the sandbox image is the runtime's"
                    + " setting: containerd's sandbox_image in the [plugins.\"io.containerd.grpc.v1.cri\"] section of"
                    + " its config.toml, CRI-O's pause_image; import that image or change the setting)", e);
        }
        return error;
    }

    /**
     * Stops and removes the sandboxes with this metadata; failures go to {@code failure} as suppressed.
     *
     * @return whether one made before {@code asked} was removed (then the name is free again)
     */
    private boolean removeLeftovers(SandboxMetadata wanted, java.time.Instant asked, RuntimeError failure) {
        boolean older = false;
        try {
            List<Cri.PodSandbox> all = calls.runtime("ListPodSandbox", null, calls.callTimeout(),
                    s -> s.listPodSandbox(Cri.ListPodSandboxRequest.getDefaultInstance())).getItemsList();
            for (Cri.PodSandbox s : all) {
                if (!CriResults.metadata(s.getMetadata()).equals(wanted)) {
                    continue;
                }
                try {
                    stop(s.getId());
                    remove(s.getId());
                    older |= CriResults.time(s.getCreatedAt()).isBefore(asked);
                } catch (RuntimeError e) {
                    failure.addSuppressed(e);
                }
            }
        } catch (RuntimeError e) {
            failure.addSuppressed(e);
        }
        return older;
    }

    @Override
    public void stop(String sandboxId) {
        try {
            calls.runtimeRaw(calls.settings().sandboxTimeout(), s -> s.stopPodSandbox(
                    Cri.StopPodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw calls.errors().map("StopPodSandbox", sandboxId, e);
            }
        }
    }

    @Override
    public void remove(String sandboxId) {
        Optional<SandboxStatus> status = status(sandboxId);
        // its containers first, through our own remove, so that their log files and in-memory mounts go too
        for (var c : containers.inSandbox(sandboxId)) {
            containers.remove(c.getId());
        }
        try {
            calls.runtimeRaw(calls.settings().sandboxTimeout(), s -> s.removePodSandbox(
                    Cri.RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw calls.errors().map("RemovePodSandbox", sandboxId, e);
            }
        }
        memory.removeSandbox(sandboxId);
        // the pod's log directory in the kubelet's layout, once nothing is left in it (other attempts may write there)
        status.ifPresent(s -> {
            SandboxMetadata m = s.sandbox().metadata();
            try {
                Files.deleteIfExists(calls.settings().logRoot().resolve(m.namespace() + "_" + m.name() + "_" + m.uid()));
            } catch (IOException e) {
                // not empty, or not ours
            }
        });
    }

    @Override
    public Optional<SandboxStatus> status(String sandboxId) {
        try {
            Cri.PodSandboxStatusResponse answer = calls.runtimeRaw(calls.callTimeout(), s -> s.podSandboxStatus(
                    Cri.PodSandboxStatusRequest.newBuilder().setPodSandboxId(sandboxId).build()));
            return Optional.of(CriResults.sandboxStatus(answer.getStatus()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw calls.errors().map("PodSandboxStatus", sandboxId, e);
        }
    }

    @Override
    public List<Sandbox> list(Map<String, String> labels) {
        Cri.ListPodSandboxRequest request = Cri.ListPodSandboxRequest.newBuilder()
                .setFilter(Cri.PodSandboxFilter.newBuilder().putAllLabelSelector(labels)).build();
        return calls.runtime("ListPodSandbox", "labels " + labels, calls.callTimeout(),
                s -> s.listPodSandbox(request)).getItemsList().stream().map(CriResults::sandbox).toList();
    }
}
