package io.staticpod.runtime.docker.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.runtime.docker.DockerContainers;
import io.staticpod.runtime.docker.DockerEnv;
import io.staticpod.runtime.docker.DockerLabels;
import io.staticpod.runtime.docker.DockerNaming;
import io.staticpod.runtime.docker.DockerObjects;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.staticpod.runtime.docker.DockerNaming.shortId;

/**
 * Containers on the Docker Engine API. Each call is one request, except a create, which first reads its sandbox
 * (Docker would accept joining a missing one and fail only at the start) and, when a leftover of the same name is
 * in the way, removes it and creates again. A search is one {@code GET /containers/json}, whose entries are read as
 * such ({@link DockerObjects.Form#LIST_ENTRY}).
 */
final class ApiContainers extends DockerContainers {

    private final ApiClient api;

    ApiContainers(ApiClient api) {
        super(DockerObjects.Form.LIST_ENTRY);
        this.api = api;
    }

    @Override
    public String create(String sandboxId, ContainerConfig config, SandboxConfig sandboxConfig) {
        Map<String, String> env = DockerEnv.of(config);
        String what = "create container " + config.name() + " (attempt " + config.attempt() + ") in sandbox "
                + shortId(sandboxId);
        try {
            DockerHttp.Answer sandbox = api.send(what, "GET", "/containers/" + sandboxId + "/json", null,
                    api.callTimeout);
            if (sandbox.status() == 404 || sandbox.status() == 200
                    && DockerObjects.sandbox(ApiClient.json(what, sandbox)).isEmpty()) {
                throw new RuntimeError.NotFound("docker: " + what + ": no such sandbox: " + sandboxId);
            }
            String name = DockerNaming.containerName(sandboxConfig.metadata(), config);
            Object body = CreateBodies.container(sandboxId, config, sandboxConfig, env);
            return createReplacingLeftover(what, name, body, false, this::remove);
        } catch (RuntimeError e) {
            throw ApiErrors.redact(e, env.values());
        }
    }

    /**
     * Creates the named container. When the name is taken (a leftover of an agent that died half-way), the leftover
     * is removed with {@code remover} and the create tried again, unless it runs and {@code evenIfRunning} is false:
     * then it is {@link RuntimeError.Refused}.
     */
    String createReplacingLeftover(String what, String name, Object body, boolean evenIfRunning,
                                   java.util.function.Consumer<String> remover) {
        String path = "/containers/create?name=" + ApiClient.encode(name);
        DockerHttp.Answer answer = api.send(what, "POST", path, body, api.callTimeout);
        if (answer.status() == 409) {
            Optional<JsonNode> leftover = inspect(what, name);
            replacingLeftover(what, name, leftover, evenIfRunning);
            leftover.ifPresent(l -> remover.accept(l.path("Id").asText()));
            answer = api.send(what, "POST", path, body, api.callTimeout);
        }
        if (answer.status() != 201) {
            throw ApiErrors.status(ApiErrors.Kind.CREATE, what, answer.status(), answer.body(), api.version());
        }
        return ApiClient.json(what, answer).path("Id").asText();
    }

    @Override
    public void start(String containerId) {
        api.call(ApiErrors.Kind.START, "start container " + shortId(containerId), "POST",
                "/containers/" + containerId + "/start", null, api.callTimeout);
    }

    @Override
    public void stop(String containerId, Duration grace) {
        long seconds = graceSeconds(grace);
        String what = "stop container " + shortId(containerId);
        DockerHttp.Answer answer = api.send(what, "POST", "/containers/" + containerId + "/stop?t=" + seconds, null,
                stopDeadline(seconds));
        if (answer.status() >= 300 && answer.status() != 304 && answer.status() != 404) {
            throw ApiErrors.status(ApiErrors.Kind.OTHER, what, answer.status(), answer.body(), api.version());
        }
    }

    @Override
    public void remove(String containerId) {
        String what = "remove container " + shortId(containerId);
        DockerHttp.Answer answer = api.send(what, "DELETE", "/containers/" + containerId + "?force=1&v=1", null,
                api.callTimeout);
        boolean inProgress = answer.status() == 409 && ApiErrors.message(answer.body()).contains("in progress");
        if (answer.status() >= 300 && answer.status() != 404 && !inProgress) {
            throw ApiErrors.status(ApiErrors.Kind.OTHER, what, answer.status(), answer.body(), api.version());
        }
    }

    @Override
    protected Optional<JsonNode> inspect(String what, String idOrName) {
        DockerHttp.Answer answer = api.send(what, "GET", "/containers/" + ApiClient.encode(idOrName) + "/json", null,
                api.callTimeout);
        if (answer.status() == 404) {
            return Optional.empty();
        }
        if (answer.status() != 200) {
            throw ApiErrors.status(ApiErrors.Kind.READ, what, answer.status(), answer.body(), api.version());
        }
        return Optional.of(ApiClient.json(what, answer));
    }

    /** One {@code GET /containers/json?all=1} filtered by every label (and by our type label when given). */
    @Override
    protected JsonNode find(String what, Map<String, String> labels, String type) {
        List<String> terms = new ArrayList<>();
        DockerLabels.filter(labels, type).forEach((k, v) -> terms.add(k + "=" + v));
        String filters = ApiClient.JSON.createObjectNode().set("label", ApiClient.JSON.valueToTree(terms)).toString();
        return api.get(ApiErrors.Kind.READ, what, "/containers/json?all=1&filters=" + ApiClient.encode(filters));
    }

    /** The entries of {@link #find}, the running ones only when asked (one call either way). */
    @Override
    protected List<String> ids(String what, Map<String, String> labels, String type, boolean runningOnly) {
        List<String> ids = new ArrayList<>();
        for (JsonNode entry : find(what, labels, type)) {
            if (!runningOnly || "running".equals(entry.path("State").asText())) {
                ids.add(entry.path("Id").asText());
            }
        }
        return ids;
    }
}
