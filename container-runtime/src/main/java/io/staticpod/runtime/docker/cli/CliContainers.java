package io.staticpod.runtime.docker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.runtime.docker.DockerContainers;
import io.staticpod.runtime.docker.DockerNaming;
import io.staticpod.runtime.docker.DockerObjects;
import io.staticpod.runtime.exec.CommandResult;
import io.staticpod.runtime.exec.EnvFile;
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
 * Containers through the {@code docker} CLI: a create is {@code docker inspect} of the sandbox (Docker would accept
 * joining a missing one) and {@code docker create}; the environment goes through a private env file and the CLI's
 * own environment ({@link CliEnv}). A search is {@code docker ps} then one {@code docker inspect}, whose documents are
 * read as such ({@link DockerObjects.Form#INSPECT}).
 */
final class CliContainers extends DockerContainers {

    private final CliDocker docker;

    CliContainers(CliDocker docker) {
        super(DockerObjects.Form.INSPECT);
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
                replacingLeftover(what, name, docker.inspect(what, name), false);
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
    @Override
    public void stopAll(List<String> ids, Duration grace) {
        if (ids.isEmpty()) {
            return;
        }
        long seconds = graceSeconds(grace);
        List<String> args = new ArrayList<>(List.of("stop", "-t", Long.toString(seconds)));
        args.addAll(ids);
        String what = "stop " + shortIds(ids);
        CommandResult result = docker.run(what, args, Map.of(), stopDeadline(seconds), List.of());
        if (!result.succeeded() && !CliErrors.notFound(result)) {
            throw CliErrors.of(what, result, List.of());
        }
    }

    @Override
    public void remove(String containerId) {
        removeAll(List.of(containerId));
    }

    /** One {@code docker rm -f -v} of them all; missing ones are fine. */
    @Override
    public void removeAll(List<String> ids) {
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
    protected List<JsonNode> find(String what, Map<String, String> labels, String type) {
        return docker.find(what, labels, type);
    }

    @Override
    protected Optional<JsonNode> inspect(String what, String idOrName) {
        return docker.inspect(what, idOrName);
    }

    @Override
    protected List<String> ids(String what, Map<String, String> labels, String type, boolean runningOnly) {
        return docker.ps(what, labels, type, runningOnly);
    }

    private static String shortIds(List<String> ids) {
        return ids.size() == 1 ? "container " + shortId(ids.get(0)) : ids.size() + " containers";
    }
}
