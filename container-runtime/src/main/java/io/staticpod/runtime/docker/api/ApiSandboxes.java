package io.staticpod.runtime.docker.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.runtime.docker.DockerLabels;
import io.staticpod.runtime.docker.DockerObjects;
import io.staticpod.runtime.docker.DockerSandboxes;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.Sandbox;
import io.staticpod.runtime.spi.SandboxConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sandboxes on the Docker Engine API: a pause container each, created (see {@link CreateBodies#sandbox}) then
 * started; what every Docker adapter's sandboxes share is {@link DockerSandboxes}. Each container of a sandbox is
 * stopped and removed by a call of its own.
 */
final class ApiSandboxes extends DockerSandboxes {

    private final ApiClient api;
    private final ApiContainers containers;

    ApiSandboxes(ApiClient api, ApiContainers containers, String image) {
        super(image);
        this.api = api;
        this.containers = containers;
    }

    @Override
    protected String runPause(String what, String name, SandboxConfig config) {
        String id = containers.createReplacingLeftover(what, name, CreateBodies.sandbox(config, image), true,
                this::remove);
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
    public List<Sandbox> list(Map<String, String> labels) {
        return DockerObjects.read(containers.listEntries("list sandboxes", labels, DockerLabels.SANDBOX_TYPE),
                DockerObjects::sandboxOfListEntry);
    }

    @Override
    protected List<String> ids(String what, Map<String, String> labels, String type, boolean runningOnly) {
        List<String> ids = new ArrayList<>();
        for (JsonNode entry : containers.listEntries(what, labels, type)) {
            if (!runningOnly || "running".equals(entry.path("State").asText())) {
                ids.add(entry.path("Id").asText());
            }
        }
        return ids;
    }

    @Override
    protected void stopAll(List<String> ids, Duration grace) {
        for (String id : ids) {
            containers.stop(id, grace);
        }
    }

    @Override
    protected void removeAll(List<String> ids) {
        for (String id : ids) {
            containers.remove(id);
        }
    }

    @Override
    protected Optional<JsonNode> inspect(String what, String id) {
        return containers.inspect(what, id);
    }
}
