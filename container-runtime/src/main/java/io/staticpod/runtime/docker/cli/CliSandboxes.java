package io.staticpod.runtime.docker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.runtime.docker.DockerLabels;
import io.staticpod.runtime.docker.DockerObjects;
import io.staticpod.runtime.docker.DockerSandboxes;
import io.staticpod.runtime.exec.CommandResult;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.Sandbox;
import io.staticpod.runtime.spi.SandboxConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sandboxes through the {@code docker} CLI: a pause container each, run with {@code docker run -d}; what every
 * Docker adapter's sandboxes share is {@link DockerSandboxes}. A sandbox's containers are stopped by one
 * {@code docker stop} and removed with it by one {@code docker rm}.
 */
final class CliSandboxes extends DockerSandboxes {

    private final CliDocker docker;
    private final CliContainers containers;

    CliSandboxes(CliDocker docker, CliContainers containers, String image) {
        super(image);
        this.docker = docker;
        this.containers = containers;
    }

    @Override
    protected String runPause(String what, String name, SandboxConfig config) {
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
            throw e instanceof RuntimeError.Unavailable || e instanceof RuntimeError.ImageUnavailable ? e
                    : new RuntimeError.Refused(e.getMessage(), null);
        }
        return CliDocker.lastLine(result.stdout());
    }

    @Override
    public List<Sandbox> list(Map<String, String> labels) {
        return DockerObjects.read(docker.find("list sandboxes", labels, DockerLabels.SANDBOX_TYPE),
                DockerObjects::sandbox);
    }

    @Override
    protected List<String> ids(String what, Map<String, String> labels, String type, boolean runningOnly) {
        return docker.ps(what, labels, type, runningOnly);
    }

    @Override
    protected void stopAll(List<String> ids, Duration grace) {
        containers.stopAll(ids, grace);
    }

    @Override
    protected void removeAll(List<String> ids) {
        containers.removeAll(ids);
    }

    @Override
    protected Optional<JsonNode> inspect(String what, String id) {
        return docker.inspect(what, id);
    }
}
