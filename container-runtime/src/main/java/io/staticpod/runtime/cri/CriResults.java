package io.staticpod.runtime.cri;

import io.staticpod.runtime.cri.proto.Cri;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.Sandbox;
import io.staticpod.runtime.spi.SandboxMetadata;
import io.staticpod.runtime.spi.SandboxState;
import io.staticpod.runtime.spi.SandboxStatus;

import java.time.Instant;

/** CRI messages as the SPI's records. Pure functions. CRI times are nanoseconds since the epoch, 0 for "never". */
final class CriResults {
    private CriResults() {
    }

    static Sandbox sandbox(Cri.PodSandbox s) {
        return new Sandbox(s.getId(), metadata(s.getMetadata()), state(s.getState()), time(s.getCreatedAt()),
                s.getLabelsMap(), s.getAnnotationsMap());
    }

    static SandboxStatus sandboxStatus(Cri.PodSandboxStatus s) {
        Sandbox sandbox = new Sandbox(s.getId(), metadata(s.getMetadata()), state(s.getState()),
                time(s.getCreatedAt()), s.getLabelsMap(), s.getAnnotationsMap());
        NamespaceMode network = s.getLinux().getNamespaces().getOptions().getNetwork() == Cri.NamespaceMode.NODE
                ? NamespaceMode.NODE : NamespaceMode.POD;
        String ip = s.getNetwork().getIp();
        return new SandboxStatus(sandbox, network == NamespaceMode.NODE || ip.isEmpty() ? null : ip, network);
    }

    static ContainerSummary summary(Cri.Container c) {
        return new ContainerSummary(c.getId(), c.getPodSandboxId(), c.getMetadata().getName(),
                c.getMetadata().getAttempt(), c.getImage().getImage(), emptyToNull(c.getImageRef()),
                state(c.getState()), time(c.getCreatedAt()), c.getLabelsMap(), c.getAnnotationsMap());
    }

    static ContainerStatus status(Cri.ContainerStatus c) {
        ContainerState state = state(c.getState());
        boolean exited = state == ContainerState.EXITED;
        return new ContainerStatus(c.getId(), c.getMetadata().getName(), c.getMetadata().getAttempt(),
                c.getImage().getImage(), emptyToNull(c.getImageRef()), state, time(c.getCreatedAt()),
                timeOrNull(c.getStartedAt()), exited ? timeOrNull(c.getFinishedAt()) : null,
                exited ? c.getExitCode() : 0, exited ? reason(c) : null, emptyToNull(c.getMessage()),
                c.getLabelsMap(), c.getAnnotationsMap(), emptyToNull(c.getLogPath()));
    }

    /** The runtime's reason (containerd: Completed, Error, OOMKilled, StartError), else one from the exit code. */
    private static String reason(Cri.ContainerStatus c) {
        if (!c.getReason().isEmpty()) {
            return c.getReason();
        }
        return c.getExitCode() == 0 ? "Completed" : "Error";
    }

    static SandboxMetadata metadata(Cri.PodSandboxMetadata m) {
        return new SandboxMetadata(m.getName(), m.getNamespace(), m.getUid(), m.getAttempt());
    }

    static SandboxState state(Cri.PodSandboxState state) {
        return state == Cri.PodSandboxState.SANDBOX_READY ? SandboxState.READY : SandboxState.NOT_READY;
    }

    static ContainerState state(Cri.ContainerState state) {
        return switch (state) {
            case CONTAINER_CREATED -> ContainerState.CREATED;
            case CONTAINER_RUNNING -> ContainerState.RUNNING;
            case CONTAINER_EXITED -> ContainerState.EXITED;
            default -> ContainerState.UNKNOWN;
        };
    }

    static Instant time(long nanos) {
        return Instant.ofEpochSecond(0, nanos);
    }

    static Instant timeOrNull(long nanos) {
        return nanos == 0 ? null : time(nanos);
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
