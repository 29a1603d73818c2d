package io.staticpod.runtime.docker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.runtime.docker.DockerNaming;
import io.staticpod.runtime.docker.DockerRuntime;
import io.staticpod.runtime.exec.CommandException;
import io.staticpod.runtime.exec.CommandResult;
import io.staticpod.runtime.exec.CommandRunner;
import io.staticpod.runtime.exec.ProcessCommandRunner;
import io.staticpod.runtime.spi.Capabilities;
import io.staticpod.runtime.spi.ContainerLogs;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ExecSync;
import io.staticpod.runtime.spi.ExitEvents;
import io.staticpod.runtime.spi.ImageInfo;
import io.staticpod.runtime.spi.Images;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.RuntimeVersion;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link ContainerRuntime} through the {@code docker} CLI ({@code --runtime docker-cli}): the binary on the PATH
 * or a compatible one given by path, every call one or a few CLI commands through the {@link CommandRunner} seam,
 * each with a timeout. It makes exactly the containers, names and labels of the Engine API adapter
 * ({@link io.staticpod.runtime.docker}), so a node switching between the two adopts its pods.
 *
 * <p>As a CLI adapter it spawns processes on every call (the SPI's one exception); a list or snapshot is
 * {@code docker ps} then {@code docker inspect}. It has exec ({@code docker exec}), no event stream (the relist finds
 * exits) and no logs (the engine keeps them: {@code docker logs}). Timeouts: {@code timeout} per command; a stop,
 * its grace plus 30 s; a pull, {@code pullTimeout}; an exec, its own timeout. Threads: none of its own; each command
 * uses the runner's two output drainers while it runs.
 */
public final class DockerCliRuntime extends DockerRuntime {

    private static final Capabilities CAPABILITIES = new Capabilities(true, true, true, false, false, false);

    private final CliDocker docker;

    /**
     * @param runner       the process seam
     * @param binary       the docker binary: a name on the PATH or a path
     * @param endpoint     the engine ({@code unix:///path}) passed as {@code -H}; null for the CLI's own choice
     *                     ({@code DOCKER_HOST}, else the default socket)
     * @param timeout      the timeout of each command but stops, pulls and execs
     * @param pullTimeout  the timeout of a pull
     * @param sandboxImage the pause image of sandboxes ({@code --pod-infra-container-image})
     */
    public DockerCliRuntime(CommandRunner runner, String binary, String endpoint, Duration timeout,
                            Duration pullTimeout, String sandboxImage) {
        this(cliDocker(runner, binary, endpoint, timeout), pullTimeout, sandboxImage);
    }

    private DockerCliRuntime(CliDocker docker, Duration pullTimeout, String sandboxImage) {
        super(CAPABILITIES, new CliSandboxes(docker, new CliContainers(docker),
                Objects.requireNonNull(sandboxImage, "sandboxImage")), images(docker, pullTimeout));
        this.docker = docker;
    }

    private static CliDocker cliDocker(CommandRunner runner, String binary, String endpoint, Duration timeout) {
        List<String> command = new ArrayList<>(List.of(Objects.requireNonNull(binary, "binary")));
        if (endpoint != null && !endpoint.isBlank()) {
            command.addAll(List.of("-H", endpoint));
        }
        return new CliDocker(Objects.requireNonNull(runner, "runner"), command, timeout);
    }

    /** {@code binary} (null: {@code docker} on the PATH) run as a process, pulls within 10 minutes. */
    public static DockerCliRuntime create(String binary, String endpoint, Duration timeout, String sandboxImage) {
        return new DockerCliRuntime(new ProcessCommandRunner(), binary == null ? "docker" : binary, endpoint, timeout,
                Duration.ofMinutes(10), sandboxImage);
    }

    @Override
    public RuntimeVersion version() {
        CommandResult result = docker.ok("version", List.of("version", "--format", "{{json .Server}}"));
        try {
            JsonNode server = CliDocker.JSON.readTree(result.stdout());
            return new RuntimeVersion("docker", server.path("Version").asText("unknown"),
                    server.path("ApiVersion").asText("unknown"));
        } catch (IOException e) {
            throw new RuntimeError.Unavailable("docker: version: `docker version` printed no JSON: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Optional<ExecSync> exec() {
        return Optional.of(exec);
    }

    @Override
    public Optional<ExitEvents> events() {
        return Optional.empty();
    }

    @Override
    public Optional<ContainerLogs> logs() {
        return Optional.empty();
    }

    /** Nothing to release: every command has ended. */
    @Override
    public void close() {
    }

    /** Images through {@code docker image inspect} and {@code docker pull}, pulls within {@code pullTimeout}. */
    private static Images images(CliDocker docker, Duration pullTimeout) {
        return new Images() {
            @Override
            public Optional<ImageInfo> status(String image) {
                String what = "status of image " + image;
                CommandResult result = docker.run(what, List.of("image", "inspect", "--format", "{{.Id}}", image));
                if (CliErrors.imageNotFound(result)) {
                    return Optional.empty();
                }
                if (!result.succeeded()) {
                    throw CliErrors.of(what, result, List.of());
                }
                return Optional.of(new ImageInfo(image, CliDocker.lastLine(result.stdout())));
            }

            @Override
            public ImageInfo pull(String image) {
                String what = "pull image " + image;
                CommandResult result = docker.run(what, List.of("pull", image), Map.of(), pullTimeout, List.of());
                if (!result.succeeded()) {
                    RuntimeError e = CliErrors.of(what, result, List.of());
                    throw e instanceof RuntimeError.Unavailable ? e
                            : new RuntimeError.ImageUnavailable(e.getMessage(), null);
                }
                return status(image).orElseThrow(() -> new RuntimeError.ImageUnavailable("docker: " + what
                        + ": the pull ended but the image is not present", null));
            }
        };
    }

    private final ExecSync exec = this::execIn;

    private ExecSync.ExecResult execIn(String containerId, List<String> command, Duration timeout) {
        String what = "exec in container " + DockerNaming.shortId(containerId);
        List<String> args = new ArrayList<>(List.of("exec", containerId));
        args.addAll(command);
        CommandResult result;
        try {
            List<String> argv = new ArrayList<>(docker.docker);
            argv.addAll(args);
            result = docker.runner.run(argv, timeout);
        } catch (CommandException e) {
            if (e.getMessage().contains("did not finish within")) {
                return new ExecSync.ExecResult(-1, e.stderr(), true);
            }
            throw CliErrors.of(what, e, List.of());
        }
        // docker exec exits 126/127 for a command that cannot run, and says why; a missing or stopped container is
        // an error of the target, not a failed command
        if (result.exitCode() != 0 && (CliErrors.notFound(result) || result.stderr().contains("is not running"))) {
            throw new RuntimeError.NotFound(CliErrors.of(what, result, List.of()).getMessage());
        }
        if (result.exitCode() != 0 && result.stderr().toLowerCase(java.util.Locale.ROOT).contains("cannot connect to the docker daemon")) {
            throw CliErrors.of(what, result, List.of());
        }
        return new ExecSync.ExecResult(result.exitCode(), result.stdout() + result.stderr(), false);
    }
}
