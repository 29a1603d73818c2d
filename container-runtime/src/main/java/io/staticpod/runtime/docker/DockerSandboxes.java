package io.staticpod.runtime.docker;

import io.staticpod.runtime.spi.PodSandboxes;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.Sandbox;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sandboxes as every Docker adapter makes them, whatever its transport: a pause container each, of the image given to
 * the adapter, whose containers are found by their label {@value DockerLabels#SANDBOX_ID}. Stopping one stops its
 * running containers at once, then the pause container within {@link #PAUSE_GRACE}; removing one removes its
 * containers, then the pause container; its status is read from the pause container's inspect document. A subclass
 * creates and starts the pause container on its own transport; everything else goes through the adapter's
 * {@link DockerContainers}.
 */
public abstract class DockerSandboxes implements PodSandboxes {

    /** How long the pause container gets to end on SIGTERM (it ends at once) before it is killed. */
    public static final Duration PAUSE_GRACE = Duration.ofSeconds(2);

    /** The pause image ({@code --pod-infra-container-image}). */
    protected final String image;
    private final DockerContainers containers;

    protected DockerSandboxes(DockerContainers containers, String image) {
        this.containers = containers;
        this.image = image;
    }

    /** The containers of the adapter, which its sandboxes are found, inspected, stopped and removed through. */
    protected final DockerContainers containers() {
        return containers;
    }

    /**
     * Names the pause container as every Docker adapter does ({@link DockerNaming#sandboxName}) and runs it; a missing
     * pause image is reported naming the setting.
     */
    @Override
    public String run(SandboxConfig config) {
        String what = "run sandbox of " + config.metadata().namespace() + "/" + config.metadata().name()
                + " (attempt " + config.metadata().attempt() + ")";
        try {
            return runPause(what, DockerNaming.sandboxName(config.metadata()), config);
        } catch (RuntimeError.ImageUnavailable e) {
            throw new RuntimeError.ImageUnavailable("the sandbox image " + image
                    + " (--pod-infra-container-image) is not present: " + e.getMessage(), e);
        }
    }

    @Override
    public final List<Sandbox> list(Map<String, String> labels) {
        return containers.sandboxes(labels);
    }

    @Override
    public final void stop(String sandboxId) {
        containers.stopAll(containersOf(sandboxId, true), Duration.ZERO);
        containers.stopAll(List.of(sandboxId), PAUSE_GRACE);
    }

    @Override
    public final void remove(String sandboxId) {
        List<String> ids = new ArrayList<>(containersOf(sandboxId, false));
        ids.add(sandboxId);
        containers.removeAll(ids);
    }

    @Override
    public final Optional<SandboxStatus> status(String sandboxId) {
        return containers.inspect("status of sandbox " + DockerNaming.shortId(sandboxId), sandboxId)
                .flatMap(DockerObjects::sandboxStatus);
    }

    private List<String> containersOf(String sandboxId, boolean runningOnly) {
        return containers.ids("list containers of sandbox " + DockerNaming.shortId(sandboxId),
                Map.of(DockerLabels.SANDBOX_ID, sandboxId), DockerLabels.CONTAINER_TYPE, runningOnly);
    }

    /**
     * Creates and starts the pause container {@code name} of the sandbox {@code config} ({@code what} names the run in
     * errors), first removing a leftover of that name (an agent killed half-way); returns its id. A pause container
     * that did not start is not left behind. A missing image is a {@link RuntimeError.ImageUnavailable}.
     */
    protected abstract String runPause(String what, String name, SandboxConfig config);
}
