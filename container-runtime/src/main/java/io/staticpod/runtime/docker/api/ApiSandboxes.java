package io.staticpod.runtime.docker.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.runtime.docker.DockerLabels;
import io.staticpod.runtime.docker.DockerNaming;
import io.staticpod.runtime.docker.DockerObjects;
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

import static io.staticpod.runtime.docker.api.ApiContainers.shortId;

/**
 * Sandboxes on the Docker Engine API: a pause container each, of the image given to the adapter (see
 * {@link CreateBodies#sandbox}). A sandbox's containers are found by their label {@value DockerLabels#SANDBOX_ID}.
 */
final class ApiSandboxes implements PodSandboxes {

    /** How long the pause container gets to end on SIGTERM (it ends at once) before it is killed. */
    static final Duration PAUSE_GRACE = Duration.ofSeconds(2);

    private final ApiClient api;
    private final ApiContainers containers;
    private final String image;

    ApiSandboxes(ApiClient api, ApiContainers containers, String image) {
        this.api = api;
        this.containers = containers;
        this.image = image;
    }

    @Override
    public String run(SandboxConfig config) {
        String pod = config.metadata().namespace() + "/" + config.metadata().name();
        String what = "run sandbox of " + pod + " (attempt " + config.metadata().attempt() + ")";
        String name = DockerNaming.sandboxName(config.metadata());
        String id;
        try {
            id = containers.createReplacingLeftover(what, name, CreateBodies.sandbox(config, image), true,
                    this::remove);
        } catch (RuntimeError.ImageUnavailable e) {
            throw new RuntimeError.ImageUnavailable("the sandbox image " + image
                    + " (--pod-infra-container-image) is not present: " + e.getMessage(), e);
        }
        try {
            api.call(ApiErrors.Kind.START, what, "POST", "/containers/" + id + "/start", null, api.callTimeout);
        } catch (RuntimeError e) {
            // a sandbox that did not start holds nothing; it is not left for the next run to trip over
            try {
                containers.remove(id);
            } catch (RuntimeError ignored) {
                // the error that matters is the start's
            }
            throw e;
        }
        return id;
    }

    @Override
    public void stop(String sandboxId) {
        for (String id : containersOf(sandboxId, true)) {
            containers.stop(id, Duration.ZERO);
        }
        containers.stop(sandboxId, PAUSE_GRACE);
    }

    @Override
    public void remove(String sandboxId) {
        for (String id : containersOf(sandboxId, false)) {
            containers.remove(id);
        }
        containers.remove(sandboxId);
    }

    @Override
    public Optional<SandboxStatus> status(String sandboxId) {
        return containers.inspect("status of sandbox " + shortId(sandboxId), sandboxId)
                .flatMap(DockerObjects::sandboxStatus);
    }

    @Override
    public List<Sandbox> list(Map<String, String> labels) {
        List<Sandbox> sandboxes = new ArrayList<>();
        for (JsonNode entry : containers.listEntries("list sandboxes", labels, DockerLabels.SANDBOX_TYPE)) {
            DockerObjects.sandboxOfListEntry(entry).ifPresent(sandboxes::add);
        }
        return sandboxes;
    }

    private List<String> containersOf(String sandboxId, boolean runningOnly) {
        List<String> ids = new ArrayList<>();
        JsonNode entries = containers.listEntries("list containers of sandbox " + shortId(sandboxId),
                Map.of(DockerLabels.SANDBOX_ID, sandboxId), DockerLabels.CONTAINER_TYPE);
        for (JsonNode entry : entries) {
            if (!runningOnly || "running".equals(entry.path("State").asText())) {
                ids.add(entry.path("Id").asText());
            }
        }
        return ids;
    }
}
