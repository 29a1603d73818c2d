package io.staticpod.agent.nodeapi;

import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.model.Container;
import io.staticpod.mirror.PodStatus;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One static pod of this node as the node API sees it: its manifest, its latest status (null before the first) and
 * what the runtime runs of it now ({@link Live}: the agent's pod cache). Which container instance a log request
 * reads is decided here, as the kubelet's {@code validateContainerLogStatus} decides it: the running instance, else
 * the last terminated one; with {@code previous}, the one before.
 */
public record StaticPodView(StaticPod pod, PodStatus status, Live live) {
    public StaticPodView {
        Objects.requireNonNull(pod, "pod");
        Objects.requireNonNull(live, "live");
    }

    /** A view whose running container ids are those of its status, with no sandbox known. */
    public StaticPodView(StaticPod pod, PodStatus status) {
        this(pod, status, Live.NONE);
    }

    /**
     * What the runtime runs of this version of the pod (its UID) now, read when asked: the ids exec, attach and
     * port-forward go to. Thread-safe.
     */
    public interface Live {
        /** The running instance of container {@code name} (its runtime id, no scheme), or empty. */
        Optional<String> runningContainer(String name);

        /** The pod's ready sandbox (its runtime id), or empty. */
        Optional<String> readySandbox();

        /** A view of two lookups, each made when asked. */
        static Live of(Function<String, Optional<String>> runningContainer, Supplier<Optional<String>> readySandbox) {
            return new Live() {
                @Override
                public Optional<String> runningContainer(String name) {
                    return runningContainer.apply(name);
                }

                @Override
                public Optional<String> readySandbox() {
                    return readySandbox.get();
                }
            };
        }

        /** Nothing known beyond the status. */
        Live NONE = new Live() {
            @Override
            public Optional<String> runningContainer(String name) {
                return Optional.empty();
            }

            @Override
            public Optional<String> readySandbox() {
                return Optional.empty();
            }
        };
    }

    /**
     * The running instance of container {@code name}: the runtime's, else the status's when it says running (a view
     * without {@link Live}), else empty.
     */
    public Optional<String> runningContainerId(String name) {
        Optional<String> live = this.live.runningContainer(name);
        if (live.isPresent() || this.live != Live.NONE) {
            return live;
        }
        return containerStatus(name).filter(s -> s.state() instanceof PodStatus.Running && s.containerId() != null)
                .map(s -> bare(s.containerId()));
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
