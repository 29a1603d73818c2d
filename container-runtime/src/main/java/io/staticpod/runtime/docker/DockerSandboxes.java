package io.staticpod.runtime.docker;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.runtime.spi.PodSandboxes;
import io.staticpod.runtime.spi.RuntimeError;
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
 * creates and starts the pause container and lists sandboxes, and finds, inspects, stops and removes containers, on
 * its own transport.
 */
public abstract class DockerSandboxes implements PodSandboxes {

    /** How long the pause container gets to end on SIGTERM (it ends at once) before it is killed. */
    public static final Duration PAUSE_GRACE = Duration.ofSeconds(2);

    /** The pause image ({@code --pod-infra-container-image}). */
    protected final String image;

    protected DockerSandboxes(String image) {
        this.image = image;
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
    public void stop(String sandboxId) {
        stopAll(containersOf(sandboxId, true), Duration.ZERO);
        stopAll(List.of(sandboxId), PAUSE_GRACE);
    }

    @Override
    public void remove(String sandboxId) {
        List<String> ids = new ArrayList<>(containersOf(sandboxId, false));
        ids.add(sandboxId);
        removeAll(ids);
    }

    @Override
    public Optional<SandboxStatus> status(String sandboxId) {
        return inspect("status of sandbox " + DockerNaming.shortId(sandboxId), sandboxId)
                .flatMap(DockerObjects::sandboxStatus);
    }

    private List<String> containersOf(String sandboxId, boolean runningOnly) {
        return ids("list containers of sandbox " + DockerNaming.shortId(sandboxId),
                Map.of(DockerLabels.SANDBOX_ID, sandboxId), DockerLabels.CONTAINER_TYPE, runningOnly);
    }

    /**
     * Creates and starts the pause container {@code name} of the sandbox {@code config} ({@code what} names the run in
     * errors), first removing a leftover of that name (an agent killed half-way); returns its id. A pause container
     * that did not start is not left behind. A missing image is a {@link RuntimeError.ImageUnavailable}.
     */
    protected abstract String runPause(String what, String name, SandboxConfig config);

    /**
     * The ids of every container with all these labels and our type label {@code type}, or of the running ones only.
     */
    protected abstract List<String> ids(String what, Map<String, String> labels, String type, boolean runningOnly);

    /** Stops these containers with this grace; missing ones are fine. */
    protected abstract void stopAll(List<String> ids, Duration grace);

    /** Removes these containers, forcibly, in this order; missing ones are fine. */
    protected abstract void removeAll(List<String> ids);

    /** The inspect document of a container, or empty when the engine has none. */
    protected abstract Optional<JsonNode> inspect(String what, String id);
}
