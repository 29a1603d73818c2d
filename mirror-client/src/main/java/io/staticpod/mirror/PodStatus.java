package io.staticpod.mirror;

import java.time.Instant;
import java.util.List;

/**
 * A static pod's status as the agent sees it; the client turns it into the v1 PodStatus of the mirror (conditions
 * PodScheduled, Initialized, ContainersReady, Ready are derived from it).
 *
 * @param uid            the static pod's UID (its config hash) this status belongs to
 * @param phase          Pending, Running, Succeeded, Failed
 * @param startTime      when the agent first started working on this pod version, or null
 * @param podIP          the sandbox's IP, or for a host-network pod null (the client uses the node's address)
 * @param initContainers in spec order
 * @param containers     in spec order
 * @param manifestError  when the pod's file turned invalid and its last good version keeps running: the file and
 *                       its errors, shown as a pod condition and a Warning event; otherwise null
 */
public record PodStatus(String uid,
                        Phase phase,
                        Instant startTime,
                        String podIP,
                        List<ContainerStatus> initContainers,
                        List<ContainerStatus> containers,
                        String manifestError) {
    public PodStatus {
        initContainers = initContainers == null ? List.of() : List.copyOf(initContainers);
        containers = containers == null ? List.of() : List.copyOf(containers);
    }

    public enum Phase { Pending, Running, Succeeded, Failed, Unknown }

    /**
     * @param containerId  {@code docker://<id>} (or {@code containerd://<id>}), or null before the first start
     * @param state        the current state
     * @param lastState    the previous instance's termination, or null
     */
    public record ContainerStatus(String name,
                                  String image,
                                  String imageId,
                                  String containerId,
                                  State state,
                                  State lastState,
                                  boolean ready,
                                  boolean started,
                                  int restartCount) {
    }

    /** A container's state, as the v1 ContainerState's three variants. */
    public sealed interface State permits Waiting, Running, Terminated {
    }

    /** @param reason ContainerCreating, PodInitializing, CrashLoopBackOff, ErrImagePull, CreateContainerError … */
    public record Waiting(String reason, String message) implements State {
    }

    public record Running(Instant startedAt) implements State {
    }

    /** @param reason Completed, Error, OOMKilled, ContainerCannotRun */
    public record Terminated(int exitCode, String reason, String message, Instant startedAt, Instant finishedAt,
                             String containerId) implements State {
    }
}
