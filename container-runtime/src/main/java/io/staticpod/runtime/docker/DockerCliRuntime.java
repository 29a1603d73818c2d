package io.staticpod.runtime.docker;

import io.staticpod.runtime.ContainerInfo;
import io.staticpod.runtime.ContainerEvents;
import io.staticpod.runtime.ContainerExec;
import io.staticpod.runtime.ContainerRuntime;
import io.staticpod.runtime.ImageResult;
import io.staticpod.runtime.LaunchSpec;
import io.staticpod.runtime.PullPolicy;
import io.staticpod.runtime.exec.CommandException;
import io.staticpod.runtime.exec.CommandResult;
import io.staticpod.runtime.exec.CommandRunner;
import io.staticpod.runtime.exec.EnvFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@link ContainerRuntime} over the {@code docker} CLI (tested with Docker 20.10). Every call is one or two CLI
 * invocations through the {@link CommandRunner}; it keeps no state of its own, so any number of instances (or a
 * restarted agent) see the same containers, found again by their labels. Thread-safe.
 *
 * <p>Errors are {@link CommandException}s (or {@link RuntimeException}s wrapping them) quoting the command and
 * docker's stderr. "No such container" is never an error for {@link #stop} and {@link #remove}.
 */
public final class DockerCliRuntime implements ContainerRuntime, ContainerExec, ContainerEvents {

    private static final Logger log = LoggerFactory.getLogger(DockerCliRuntime.class);

    /** Added to the grace period for the CLI timeout of {@code docker stop}: the kill and the exit take time too. */
    static final Duration STOP_MARGIN = Duration.ofSeconds(30);

    private final CommandRunner runner;
    private final String docker;
    private final Duration timeout;
    private final Duration pullTimeout;

    /** {@code docker} from the PATH, 2 minutes per command, 10 minutes per pull. */
    public DockerCliRuntime(CommandRunner runner) {
        this(runner, "docker", Duration.ofMinutes(2), Duration.ofMinutes(10));
    }

    /**
     * @param runner      the process seam
     * @param docker      the docker binary: a name on the PATH or an absolute path
     * @param timeout     the timeout of each command except pulls and stops
     * @param pullTimeout the timeout of {@code docker pull}
     */
    public DockerCliRuntime(CommandRunner runner, String docker, Duration timeout, Duration pullTimeout) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.docker = Objects.requireNonNull(docker, "docker");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.pullTimeout = Objects.requireNonNull(pullTimeout, "pullTimeout");
    }

    @Override
    public String name() {
        return "docker";
    }

    @Override
    public String version() {
        CommandResult result = run(List.of(docker, "version", "--format", "{{.Server.Version}}"), timeout);
        if (!result.succeeded() || result.stdout().isBlank()) {
            throw new IllegalStateException("docker engine not usable: " + CommandException.failed(result).getMessage());
        }
        return "docker " + result.stdout().strip();
    }

    @Override
    public ImageResult ensureImage(String image, PullPolicy policy) {
        switch (policy) {
            case NEVER:
                return localImage(image).map(id -> new ImageResult(image, id, false, null))
                        .orElseThrow(() -> new IllegalStateException(
                                "image " + image + " not present and imagePullPolicy is Never"));
            case IF_NOT_PRESENT: {
                Optional<String> local = localImage(image);
                if (local.isPresent()) {
                    return new ImageResult(image, local.get(), false, null);
                }
                CommandResult pull = pull(image);
                if (!pull.succeeded()) {
                    throw new IllegalStateException("image " + image + " not present, and "
                            + CommandException.failed(pull).getMessage());
                }
                return new ImageResult(image, pulledImageId(image), true, null);
            }
            case ALWAYS: {
                CommandResult pull = pull(image);
                if (pull.succeeded()) {
                    return new ImageResult(image, pulledImageId(image), true, null);
                }
                String pullError = CommandException.failed(pull).getMessage();
                Optional<String> local = localImage(image);
                if (local.isPresent()) {
                    return new ImageResult(image, local.get(), false, pullError);
                }
                throw new IllegalStateException("image " + image + " cannot be pulled (" + pullError
                        + ") and is not present locally (`docker image inspect` says no such image)");
            }
            default:
                throw new IllegalArgumentException("unknown pull policy " + policy);
        }
    }

    @Override
    public String start(LaunchSpec spec) {
        DockerRunArgs.Env env = DockerRunArgs.env(spec);
        // the values stay off argv: see DockerRunArgs
        try (EnvFile envFile = env.fileLines().isEmpty() ? null : EnvFile.write(env.fileLines())) {
            List<String> argv = DockerRunArgs.of(docker, spec, env, envFile == null ? null : envFile.path());
            CommandResult result = run(argv, env.processEnv(), timeout);
            if (DockerErrors.isNameConflict(result)) {
                // a leftover of an agent that died between creating the container and recording it
                log.warn("Removing leftover container with the same name container={}", spec.name());
                run(List.of(docker, "rm", "-f", spec.name()), timeout);
                result = run(argv, env.processEnv(), timeout);
            }
            if (!result.succeeded()) {
                // the container may exist (created, with State.Error): it is left for inspect to show the error
                throw CommandException.failed(result);
            }
            String id = lastLine(result.stdout());
            if (id.isEmpty()) {
                throw new IllegalStateException("`" + CommandException.quote(argv) + "` printed no container id");
            }
            return id;
        }
    }

    @Override
    public void stop(String id, Duration grace) {
        long seconds = Math.max(0, (grace.toMillis() + 999) / 1000);
        CommandResult result = run(List.of(docker, "stop", "-t", Long.toString(seconds), id),
                Duration.ofSeconds(seconds).plus(STOP_MARGIN));
        if (!result.succeeded() && !DockerErrors.isNotFound(result)) {
            throw CommandException.failed(result);
        }
    }

    @Override
    public void remove(String id) {
        CommandResult result = run(List.of(docker, "rm", "-f", "-v", id), timeout);
        if (!result.succeeded() && !DockerErrors.isNotFound(result)) {
            throw CommandException.failed(result);
        }
    }

    @Override
    public Optional<ContainerInfo> inspect(String id) {
        CommandResult result = run(List.of(docker, "inspect", "--type", "container", id), timeout);
        if (DockerErrors.isNotFound(result)) {
            return Optional.empty();
        }
        return DockerInspectParser.parse(result.orThrow().stdout()).stream().findFirst();
    }

    @Override
    public List<ContainerInfo> list(Map<String, String> labels) {
        List<String> ps = new ArrayList<>(List.of(docker, "ps", "-a", "-q", "--no-trunc"));
        for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
            ps.add("--filter");
            ps.add("label=" + label.getKey() + "=" + label.getValue());
        }
        List<String> ids = run(ps, timeout).orThrow().stdout().lines()
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (ids.isEmpty()) {
            return List.of();
        }
        List<String> inspect = new ArrayList<>(List.of(docker, "inspect", "--type", "container"));
        inspect.addAll(ids);
        CommandResult result = run(inspect, timeout);
        if (!result.succeeded() && !DockerErrors.isNotFound(result)) {
            throw CommandException.failed(result);
        }
        // a container removed between ps and inspect is "No such object" on stderr; the others are on stdout
        return DockerInspectParser.parse(result.stdout()).stream()
                .filter(c -> c.labels().entrySet().containsAll(labels.entrySet()))
                .toList();
    }

    private Optional<String> localImage(String image) {
        CommandResult result = run(List.of(docker, "image", "inspect", "--format", "{{.Id}}", image), timeout);
        if (DockerErrors.isImageNotFound(result)) {
            return Optional.empty();
        }
        return Optional.of(lastLine(result.orThrow().stdout()));
    }

    private String pulledImageId(String image) {
        return localImage(image).orElseThrow(() -> new IllegalStateException(
                "`docker pull " + image + "` succeeded but the image is not present afterwards"));
    }

    @Override
    public AutoCloseable subscribe(Map<String, String> labels, java.util.function.Consumer<ContainerEvents.Event> listener) {
        return new DockerEventStream(docker, labels, listener);
    }

    @Override
    public ContainerExec.Result exec(String containerId, List<String> command, Duration limit) {
        List<String> argv = new java.util.ArrayList<>(List.of(docker, "exec", containerId));
        argv.addAll(command);
        CommandResult result;
        try {
            result = run(argv, limit);
        } catch (CommandException e) {
            if (e.exitCode() == -1 && e.getMessage().contains("did not finish within")) {
                return new ContainerExec.Result(-1, e.getMessage(), true);
            }
            throw e;
        }
        // docker exec exits 126/127 for a command that cannot be run, and says why on stderr; a missing or stopped
        // container is an error of the probe's target, not a failed probe
        if (result.exitCode() != 0 && (DockerErrors.isNotFound(result.stderr())
                || result.stderr().contains("is not running"))) {
            throw CommandException.failed(result);
        }
        return new ContainerExec.Result(result.exitCode(), result.stdout() + result.stderr(), false);
    }

    private CommandResult pull(String image) {
        return run(List.of(docker, "pull", image), pullTimeout);
    }

    private CommandResult run(List<String> argv, Duration limit) {
        return run(argv, Map.of(), limit);
    }

    /** Runs a command; {@code env}'s values are never logged, and the logged argv is redacted. */
    private CommandResult run(List<String> argv, Map<String, String> env, Duration limit) {
        CommandResult result = runner.run(argv, env, limit);
        if (log.isDebugEnabled()) {
            log.debug("Ran docker command argv=\"{}\" exitCode={}", CommandException.quote(argv), result.exitCode());
        }
        return result;
    }

    private static String lastLine(String stdout) {
        List<String> lines = stdout.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
