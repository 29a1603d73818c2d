package io.staticpod.agent.nodeapi;

import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.model.Container;
import io.staticpod.mirror.PodStatus;

import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One static pod of this node as the node API sees it: its manifest and its latest status (null before the first).
 * Which container instance a log request reads is decided here, as the kubelet's {@code validateContainerLogStatus}
 * decides it: the running instance, else the last terminated one; with {@code previous}, the one before.
 */
public record StaticPodView(StaticPod pod, PodStatus status) {
    public StaticPodView {
        Objects.requireNonNull(pod, "pod");
    }

    /** Whether the pod's spec has a container or init container of this name. */
    public boolean hasContainer(String name) {
        return Stream.concat(pod.pod().spec().initContainers().stream(), pod.pod().spec().containers().stream())
                .map(Container::name).anyMatch(name::equals);
    }

    /** The status of the container or init container named {@code name}, if one was reported. */
    public Optional<PodStatus.ContainerStatus> containerStatus(String name) {
        if (status == null) {
            return Optional.empty();
        }
        return Stream.concat(status.initContainers().stream(), status.containers().stream())
                .filter(c -> c.name().equals(name)).findFirst();
    }

    /** Which instance of a container a log request reads. */
    public sealed interface Instance permits Instance.Found, Instance.Missing {
        /** @param containerId the runtime's id, without the {@code docker://} scheme */
        record Found(String containerId) implements Instance {
        }

        /** @param message why there is none, as the kubelet says it (answered with 400) */
        record Missing(String message) implements Instance {
        }
    }

    /** The instance of container {@code name} (which {@link #hasContainer} knows) that a log request reads. */
    public Instance instance(String name, boolean previous) {
        String podName = pod.key().name();
        PodStatus.ContainerStatus s = containerStatus(name).orElse(null);
        if (previous) {
            if (s != null && s.lastState() instanceof PodStatus.Terminated t && t.containerId() != null) {
                return new Instance.Found(bare(t.containerId()));
            }
            return new Instance.Missing("previous terminated container \"" + name + "\" in pod \"" + podName
                    + "\" not found");
        }
        if (s == null || s.containerId() == null) {
            String reason = s != null && s.state() instanceof PodStatus.Waiting w && w.reason() != null ? w.reason()
                    : "ContainerCreating";
            return new Instance.Missing("container \"" + name + "\" in pod \"" + podName + "\" is waiting to start: "
                    + reason);
        }
        if (s.state() instanceof PodStatus.Waiting && s.lastState() instanceof PodStatus.Terminated t
                && t.containerId() != null) {
            return new Instance.Found(bare(t.containerId())); // crash-looping: the instance that last ran
        }
        return new Instance.Found(bare(s.containerId()));
    }

    /** {@code docker://abc} → {@code abc}. */
    static String bare(String containerId) {
        int i = containerId.indexOf("://");
        return i < 0 ? containerId : containerId.substring(i + 3);
    }
}
