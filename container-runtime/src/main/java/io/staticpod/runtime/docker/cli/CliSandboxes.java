package io.staticpod.runtime.docker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.runtime.docker.DockerLabels;
import io.staticpod.runtime.docker.DockerNaming;
import io.staticpod.runtime.docker.DockerObjects;
import io.staticpod.runtime.exec.CommandResult;
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

import static io.staticpod.runtime.docker.cli.CliContainers.shortId;

/** Sandboxes through the {@code docker} CLI: a pause container each, run with {@code docker run -d}. */
final class CliSandboxes implements PodSandboxes {

    static final Duration PAUSE_GRACE = Duration.ofSeconds(2);

    private final CliDocker docker;
    private final CliContainers containers;
    private final String image;

    CliSandboxes(CliDocker docker, CliContainers containers, String image) {
        this.docker = docker;
        this.containers = containers;
        this.image = image;
    }

    @Override
    public String run(SandboxConfig config) {
        String what = "run sandbox of " + config.metadata().namespace() + "/" + config.metadata().name()
                + " (attempt " + config.metadata().attempt() + ")";
        String name = DockerNaming.sandboxName(config.metadata());
        List<String> args = CliArgs.sandbox(name, config, image);
        CommandResult result = docker.run(what, args);
        if (CliErrors.nameInUse(result)) {
            docker.inspect(what, name).ifPresent(leftover -> remove(leftover.path("Id").asText()));
            result = docker.run(what, args);
        }
        if (!result.succeeded()) {
            // a pause container that did not start holds nothing: not left for the next run to trip over
            containers.removeAll(List.of(name));
            RuntimeError e = CliErrors.of(what, result, List.of());
            if (e instanceof RuntimeError.ImageUnavailable) {
                throw new RuntimeError.ImageUnavailable("the sandbox image " + image
                        + " (--pod-infra-container-image) is not present: " + e.getMessage(), null);
            }
            throw e instanceof RuntimeError.Unavailable ? e : new RuntimeError.Refused(e.getMessage(), null);
        }
        return CliDocker.lastLine(result.stdout());
    }

    @Override
    public void stop(String sandboxId) {
        containers.stopAll(containersOf(sandboxId, true), Duration.ZERO);
        containers.stopAll(List.of(sandboxId), PAUSE_GRACE);
    }

    @Override
    public void remove(String sandboxId) {
        List<String> ids = new ArrayList<>(containersOf(sandboxId, false));
        ids.add(sandboxId);
        containers.removeAll(ids);
    }

    @Override
    public Optional<SandboxStatus> status(String sandboxId) {
        return docker.inspect("status of sandbox " + shortId(sandboxId), sandboxId)
                .flatMap(DockerObjects::sandboxStatus);
    }

    @Override
    public List<Sandbox> list(Map<String, String> labels) {
        List<String> ids = docker.ps("list sandboxes", labels, DockerLabels.SANDBOX_TYPE, false);
        List<Sandbox> sandboxes = new ArrayList<>();
        for (JsonNode s : docker.inspect("list sandboxes", ids)) {
            DockerObjects.sandbox(s).filter(x -> CliContainers.matches(s, labels)).ifPresent(sandboxes::add);
        }
        return sandboxes;
    }

    private List<String> containersOf(String sandboxId, boolean runningOnly) {
        return docker.ps("list containers of sandbox " + shortId(sandboxId),
                Map.of(DockerLabels.SANDBOX_ID, sandboxId), DockerLabels.CONTAINER_TYPE, runningOnly);
    }
}
