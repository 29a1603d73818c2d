package io.staticpod.runtime.docker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.runtime.docker.DockerLabels;
import io.staticpod.runtime.docker.DockerNaming;
import io.staticpod.runtime.docker.DockerObjects;
import io.staticpod.runtime.exec.CommandResult;
import io.staticpod.runtime.exec.EnvFile;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.Containers;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.staticpod.runtime.docker.DockerNaming.shortId;

/**
 * Containers through the {@code docker} CLI: a create is {@code docker inspect} of the sandbox (Docker would accept
 * joining a missing one) and {@code docker create}; the environment goes through a private env file and the CLI's
 * own environment ({@link CliEnv}).
 */
final class CliContainers implements Containers {

    private static final Logger log = LoggerFactory.getLogger(CliContainers.class);
    /** Added to a stop's grace for the command's timeout: the kill and the exit take time too. */
    static final Duration STOP_MARGIN = Duration.ofSeconds(30);

    private final CliDocker docker;

    CliContainers(CliDocker docker) {
        this.docker = docker;
    }

    @Override
    public String create(String sandboxId, ContainerConfig config, SandboxConfig sandboxConfig) {
        String what = "create container " + config.name() + " (attempt " + config.attempt() + ") in sandbox "
                + shortId(sandboxId);
        CliEnv env = CliEnv.of(config);
        if (docker.inspect(what, sandboxId).flatMap(DockerObjects::sandbox).isEmpty()) {
            throw new RuntimeError.NotFound("docker: " + what + ": no such sandbox: " + sandboxId);
        }
        String name = DockerNaming.containerName(sandboxConfig.metadata(), config);
        try (EnvFile file = env.fileLines().isEmpty() ? null : EnvFile.write(env.fileLines())) {
            List<String> args = CliArgs.container(name, sandboxId, config, sandboxConfig, env,
                    file == null ? null : file.path());
            CommandResult result = docker.run(what, args, env.processEnv(), docker.timeout, env.values());
            if (CliErrors.nameInUse(result)) {
                Optional<JsonNode> leftover = docker.inspect(what, name);
                if (leftover.isPresent() && leftover.get().path("State").path("Running").asBoolean(false)) {
                    throw new RuntimeError.Refused("docker: " + what + ": the name " + name
                            + " is in use by a running container, " + shortId(leftover.get().path("Id").asText()),
                            null);
                }
                log.warn("Removing leftover container with the same name container={}", name);
                remove(name);
                result = docker.run(what, args, env.processEnv(), docker.timeout, env.values());
            }
            if (!result.succeeded()) {
                throw CliErrors.of(what, result, env.values());
            }
            return CliDocker.lastLine(result.stdout());
        }
    }

    @Override
    public void start(String containerId) {
        String what = "start container " + shortId(containerId);
        CommandResult result = docker.run(what, List.of("start", containerId));
        if (!result.succeeded()) {
            RuntimeError e = CliErrors.of(what, result, List.of());
            throw e instanceof RuntimeError.NotFound ? e : new RuntimeError.Refused(e.getMessage(), null);
        }
    }

    @Override
    public void stop(String containerId, Duration grace) {
        stopAll(List.of(containerId), grace);
    }

    /** One {@code docker stop} of them all; missing ones are fine. */
    void stopAll(List<String> ids, Duration grace) {
        if (ids.isEmpty()) {
            return;
        }
        long seconds = Math.max(0, (grace.toMillis() + 999) / 1000);
        List<String> args = new ArrayList<>(List.of("stop", "-t", Long.toString(seconds)));
        args.addAll(ids);
        String what = "stop " + shortIds(ids);
        CommandResult result = docker.run(what, args, Map.of(), Duration.ofSeconds(seconds).plus(STOP_MARGIN),
                List.of());
        if (!result.succeeded() && !CliErrors.notFound(result)) {
            throw CliErrors.of(what, result, List.of());
        }
    }

    @Override
    public void remove(String containerId) {
        removeAll(List.of(containerId));
    }

    /** One {@code docker rm -f -v} of them all; missing ones are fine. */
    void removeAll(List<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(List.of("rm", "-f", "-v"));
        args.addAll(ids);
        String what = "remove " + shortIds(ids);
        CommandResult result = docker.run(what, args);
        boolean inProgress = result.stderr().contains("already in progress");
        if (!result.succeeded() && !CliErrors.notFound(result) && !inProgress) {
            throw CliErrors.of(what, result, List.of());
        }
    }

    @Override
    public Optional<ContainerStatus> status(String containerId) {
        return docker.inspect("status of container " + shortId(containerId), containerId)
                .flatMap(DockerObjects::containerStatus);
    }

    @Override
    public List<ContainerSummary> list(Map<String, String> labels) {
        return DockerObjects.read(docker.find("list containers", labels, DockerLabels.CONTAINER_TYPE),
                DockerObjects::containerSummary);
    }

    private static String shortIds(List<String> ids) {
        return ids.size() == 1 ? "container " + shortId(ids.get(0)) : ids.size() + " containers";
    }
}
