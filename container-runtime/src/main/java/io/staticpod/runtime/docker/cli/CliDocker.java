package io.staticpod.runtime.docker.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.staticpod.runtime.docker.DockerLabels;
import io.staticpod.runtime.docker.DockerObjects;
import io.staticpod.runtime.exec.CommandException;
import io.staticpod.runtime.exec.CommandResult;
import io.staticpod.runtime.exec.CommandRunner;
import io.staticpod.runtime.spi.RuntimeError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code docker} CLI as the parts of {@link DockerCliRuntime} run it: every command through the
 * {@link CommandRunner} seam with a timeout, failures typed by {@link CliErrors}, and the two reads every call needs
 * ({@code docker ps} by labels, {@code docker inspect}). Thread-safe.
 */
final class CliDocker {

    private static final Logger log = LoggerFactory.getLogger(CliDocker.class);
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    final CommandRunner runner;
    final List<String> docker;
    final Duration timeout;

    /** @param docker the command that runs docker: the binary, and {@code -H <endpoint>} when one is given */
    CliDocker(CommandRunner runner, List<String> docker, Duration timeout) {
        this.runner = runner;
        this.docker = List.copyOf(docker);
        this.timeout = timeout;
    }

    /** Runs {@code docker <args>}; returns its result whatever its exit code; a command that did not end throws. */
    CommandResult run(String what, List<String> args, Map<String, String> env, Duration limit,
                      List<String> secrets) {
        List<String> argv = new ArrayList<>(docker);
        argv.addAll(args);
        try {
            CommandResult result = runner.run(argv, env, limit);
            if (log.isDebugEnabled()) {
                log.debug("Ran docker command argv=\"{}\" exitCode={}", CommandException.quote(argv),
                        result.exitCode());
            }
            return result;
        } catch (CommandException e) {
            throw CliErrors.of(what, e, secrets);
        }
    }

    CommandResult run(String what, List<String> args) {
        return run(what, args, Map.of(), timeout, List.of());
    }

    /** Runs and requires success. */
    CommandResult ok(String what, List<String> args) {
        CommandResult result = run(what, args);
        if (!result.succeeded()) {
            throw CliErrors.of(what, result, List.of());
        }
        return result;
    }

    /** The ids of every container (running or not) with all these labels (and our type label when given). */
    List<String> ps(String what, Map<String, String> labels, String type, boolean runningOnly) {
        List<String> args = new ArrayList<>(List.of("ps", "-a", "-q", "--no-trunc"));
        DockerLabels.filter(labels, type).forEach((k, v) -> {
            args.add("--filter");
            args.add("label=" + k + "=" + v);
        });
        if (runningOnly) {
            args.add("--filter");
            args.add("status=running");
        }
        return ok(what, args).stdout().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * The inspect documents of every container with all these labels (and our type label when given): {@link #ps},
     * then one {@code docker inspect} of them all. A container replaced between the two (the same name) is left out
     * by its labels.
     */
    List<JsonNode> find(String what, Map<String, String> labels, String type) {
        return inspect(what, ps(what, labels, type, false)).stream()
                .filter(c -> DockerObjects.labels(c.path("Config").path("Labels")).entrySet()
                        .containsAll(labels.entrySet()))
                .toList();
    }

    /** The inspect documents of these containers; those gone meanwhile are left out. */
    List<JsonNode> inspect(String what, List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<String> args = new ArrayList<>(List.of("inspect", "--type", "container"));
        args.addAll(ids);
        CommandResult result = run(what, args);
        if (!result.succeeded() && !CliErrors.notFound(result)) {
            throw CliErrors.of(what, result, List.of());
        }
        if (result.stdout().isBlank()) {
            return List.of();
        }
        List<JsonNode> documents = new ArrayList<>();
        try {
            JSON.readTree(result.stdout()).forEach(documents::add);
        } catch (IOException e) {
            throw new RuntimeError.Unavailable("docker: " + what + ": `docker inspect` printed no JSON: "
                    + e.getMessage(), e);
        }
        return documents;
    }

    Optional<JsonNode> inspect(String what, String id) {
        return inspect(what, List.of(id)).stream().findFirst();
    }

    static String lastLine(String stdout) {
        List<String> lines = stdout.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
