package io.staticpod.agent.testing;

import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.Containers;
import io.staticpod.runtime.spi.ExecSync;
import io.staticpod.runtime.spi.PodSandboxes;
import io.staticpod.runtime.spi.RuntimeParts;
import io.staticpod.runtime.spi.Sandbox;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxStatus;

import io.staticpod.runtime.spi.ForwardingContainerRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A runtime that forwards every call and records what the agent asked for: the configs each container and sandbox
 * was created with (by id), and the order of the calls that change something ({@code run_sandbox <pod>},
 * {@code create <name>#<attempt>}, {@code stop <id>} …).
 */
public final class RecordingRuntime extends ForwardingContainerRuntime {
    private final RuntimeParts parts;
    public final Map<String, ContainerConfig> containerConfigs = new ConcurrentHashMap<>();
    public final Map<String, SandboxConfig> sandboxConfigs = new ConcurrentHashMap<>();
    public final List<String> changes = new CopyOnWriteArrayList<>();
    /** Every exec asked for ({@code <id> <command>}), probes' and hooks', in order. */
    public final List<String> execs = new CopyOnWriteArrayList<>();
    /** The grace period of each container's last stop, by id. */
    public final Map<String, Duration> stopGrace = new ConcurrentHashMap<>();

    public RecordingRuntime(ContainerRuntime delegate) {
        super(delegate);
        this.parts = new RuntimeParts(recording(delegate.sandboxes()), recording(delegate.containers()),
                delegate.images());
    }

    @Override
    public Optional<ExecSync> exec() {
        return super.exec().map(d -> (id, command, timeout) -> {
            execs.add(id + " " + command);
            return d.exec(id, command, timeout);
        });
    }




    @Override
    public RuntimeParts parts() {
        return parts;
    }

    private PodSandboxes recording(PodSandboxes d) {
        return new PodSandboxes() {
            @Override
            public String run(SandboxConfig config) {
                String id = d.run(config);
                sandboxConfigs.put(id, config);
                changes.add("run_sandbox " + config.metadata().uid() + "#" + config.metadata().attempt());
                return id;
            }

            @Override
            public void stop(String sandboxId) {
                changes.add("stop_sandbox " + sandboxId);
                d.stop(sandboxId);
            }

            @Override
            public void remove(String sandboxId) {
                changes.add("remove_sandbox " + sandboxId);
                d.remove(sandboxId);
            }

            @Override
            public Optional<SandboxStatus> status(String sandboxId) {
                return d.status(sandboxId);
            }

            @Override
            public List<Sandbox> list(Map<String, String> labels) {
                return d.list(labels);
            }
        };
    }

    private Containers recording(Containers d) {
        return new Containers() {
            @Override
            public String create(String sandboxId, ContainerConfig config, SandboxConfig sandboxConfig) {
                String id = d.create(sandboxId, config, sandboxConfig);
                containerConfigs.put(id, config);
                changes.add("create " + config.name() + "#" + config.attempt());
                return id;
            }

            @Override
            public void start(String containerId) {
                changes.add("start " + containerId);
                d.start(containerId);
            }

            @Override
            public void stop(String containerId, Duration grace) {
                changes.add("stop " + containerId);
                stopGrace.put(containerId, grace);
                d.stop(containerId, grace);
            }

            @Override
            public void remove(String containerId) {
                changes.add("remove " + containerId);
                d.remove(containerId);
            }

            @Override
            public Optional<ContainerStatus> status(String containerId) {
                return d.status(containerId);
            }

            @Override
            public List<ContainerSummary> list(Map<String, String> labels) {
                return d.list(labels);
            }
        };
    }





}
