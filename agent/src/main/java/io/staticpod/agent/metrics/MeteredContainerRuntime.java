package io.staticpod.agent.metrics;

import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerLogs;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.Containers;
import io.staticpod.runtime.spi.ExecSync;
import io.staticpod.runtime.spi.ForwardingContainerRuntime;
import io.staticpod.runtime.spi.ImageInfo;
import io.staticpod.runtime.spi.Images;
import io.staticpod.runtime.spi.LogRotation;
import io.staticpod.runtime.spi.PodSandboxes;
import io.staticpod.runtime.spi.RuntimeParts;
import io.staticpod.runtime.spi.RuntimeSnapshot;
import io.staticpod.runtime.spi.RuntimeVersion;
import io.staticpod.runtime.spi.Sandbox;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxStatus;
import io.staticpod.runtime.spi.StreamingUrls;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A {@link ContainerRuntime} that times every call and counts failures, then forwards it unchanged, so that the
 * runtime module stays free of metrics. Operations are named as the kubelet's {@code kubelet_runtime_operations_*}
 * name CRI calls ({@code run_podsandbox}, {@code create_container}, {@code container_status}, {@code exec_sync} …),
 * plus {@code snapshot} for the relist's one call. Exit events pass through untimed.
 */
final class MeteredContainerRuntime extends ForwardingContainerRuntime {
    private final AgentMetrics metrics;
    private final RuntimeParts parts;

    MeteredContainerRuntime(ContainerRuntime delegate, AgentMetrics metrics) {
        super(delegate);
        this.metrics = metrics;
        this.parts = new RuntimeParts(new MeteredSandboxes(delegate.sandboxes()),
                new MeteredContainers(delegate.containers()), new MeteredImages(delegate.images()));
    }



    @Override
    public RuntimeVersion version() {
        return timed("version", delegate::version);
    }

    @Override
    public RuntimeParts parts() {
        return parts;
    }

    @Override
    public RuntimeSnapshot snapshot(Map<String, String> labels) {
        return timed("snapshot", () -> delegate.snapshot(labels));
    }

    @Override
    public Optional<ExecSync> exec() {
        return delegate.exec().map(e -> (containerId, command, timeout) ->
                timed("exec_sync", () -> e.exec(containerId, command, timeout)));
    }


    /** Timed as the kubelet names CRI's calls: {@code exec}, {@code attach}, {@code port_forward}. */
    @Override
    public Optional<StreamingUrls> streaming() {
        return delegate.streaming().map(MeteredStreaming::new);
    }

    @Override
    public Optional<ContainerLogs> logs() {
        return delegate.logs().map(l -> (containerId, options) ->
                timed("container_logs", () -> l.open(containerId, options)));
    }

    /** {@code ReopenContainerLog}, as the kubelet names it. */
    @Override
    public Optional<LogRotation> logRotation() {
        return delegate.logRotation().map(r -> containerId -> timedRun("reopen_container_log",
                () -> r.reopen(containerId)));
    }


    private final class MeteredStreaming implements StreamingUrls {
        private final StreamingUrls d;

        MeteredStreaming(StreamingUrls d) {
            this.d = d;
        }

        @Override
        public URI exec(String containerId, List<String> command, StreamOptions options) {
            return timed("exec", () -> d.exec(containerId, command, options));
        }

        @Override
        public URI attach(String containerId, StreamOptions options) {
            return timed("attach", () -> d.attach(containerId, options));
        }

        @Override
        public URI portForward(String sandboxId, List<Integer> ports) {
            return timed("port_forward", () -> d.portForward(sandboxId, ports));
        }
    }

    private <T> T timed(String operation, Supplier<T> call) {
        long start = System.nanoTime();
        boolean failed = true;
        try {
            T result = call.get();
            failed = false;
            return result;
        } finally {
            metrics.runtimeCall(operation, System.nanoTime() - start, failed);
        }
    }

    private void timedRun(String operation, Runnable call) {
        timed(operation, () -> {
            call.run();
            return null;
        });
    }

    private final class MeteredSandboxes implements PodSandboxes {
        private final PodSandboxes d;

        MeteredSandboxes(PodSandboxes d) {
            this.d = d;
        }

        @Override
        public String run(SandboxConfig config) {
            return timed("run_podsandbox", () -> d.run(config));
        }

        @Override
        public void stop(String sandboxId) {
            timedRun("stop_podsandbox", () -> d.stop(sandboxId));
        }

        @Override
        public void remove(String sandboxId) {
            timedRun("remove_podsandbox", () -> d.remove(sandboxId));
        }

        @Override
        public Optional<SandboxStatus> status(String sandboxId) {
            return timed("podsandbox_status", () -> d.status(sandboxId));
        }

        @Override
        public List<Sandbox> list(Map<String, String> labels) {
            return timed("list_podsandbox", () -> d.list(labels));
        }
    }

    private final class MeteredContainers implements Containers {
        private final Containers d;

        MeteredContainers(Containers d) {
            this.d = d;
        }

        @Override
        public String create(String sandboxId, ContainerConfig config, SandboxConfig sandboxConfig) {
            return timed("create_container", () -> d.create(sandboxId, config, sandboxConfig));
        }

        @Override
        public void start(String containerId) {
            timedRun("start_container", () -> d.start(containerId));
        }

        @Override
        public void stop(String containerId, Duration grace) {
            timedRun("stop_container", () -> d.stop(containerId, grace));
        }

        @Override
        public void remove(String containerId) {
            timedRun("remove_container", () -> d.remove(containerId));
        }

        @Override
        public Optional<ContainerStatus> status(String containerId) {
            return timed("container_status", () -> d.status(containerId));
        }

        @Override
        public List<ContainerSummary> list(Map<String, String> labels) {
            return timed("list_containers", () -> d.list(labels));
        }
    }

    private final class MeteredImages implements Images {
        private final Images d;

        MeteredImages(Images d) {
            this.d = d;
        }

        @Override
        public Optional<ImageInfo> status(String image) {
            return timed("image_status", () -> d.status(image));
        }

        @Override
        public ImageInfo pull(String image) {
            return timed("pull_image", () -> d.pull(image));
        }
    }
}
