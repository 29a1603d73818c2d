package io.staticpod.runtime.docker.cli;

import io.staticpod.runtime.docker.DockerSandboxes;
import io.staticpod.runtime.exec.CommandResult;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;

import java.util.List;

/**
 * Sandboxes through the {@code docker} CLI: a pause container each, run with {@code docker run -d}; what every
 * Docker adapter's sandboxes share is {@link DockerSandboxes}. A sandbox's containers are stopped by one
 * {@code docker stop} and removed with it by one {@code docker rm}.
 */
final class CliSandboxes extends DockerSandboxes {

    private final CliDocker docker;

    CliSandboxes(CliDocker docker, CliContainers containers, String image) {
        super(containers, image);
        this.docker = docker;
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
            containers().removeAll(List.of(name));
            RuntimeError e = CliErrors.of(what, result, List.of());
            throw e instanceof RuntimeError.Unavailable || e instanceof RuntimeError.ImageUnavailable ? e
                    : new RuntimeError.Refused(e.getMessage(), null);
        }
        return CliDocker.lastLine(result.stdout());
    }
}
