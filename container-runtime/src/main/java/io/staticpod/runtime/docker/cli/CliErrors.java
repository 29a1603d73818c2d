package io.staticpod.runtime.docker.cli;

import io.staticpod.runtime.docker.Secrets;
import io.staticpod.runtime.exec.CommandException;
import io.staticpod.runtime.exec.CommandResult;
import io.staticpod.runtime.spi.RuntimeError;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The one place that reads meaning into the {@code docker} CLI's failures (Docker 20.10's wording). The message
 * quotes the command (environment values redacted, see {@link CommandException#quote}) and docker's stderr, with
 * any environment value the engine echoed taken out ({@link Secrets}).
 */
final class CliErrors {

    private CliErrors() {
    }

    /**
     * True when the command failed only because its container (or object) does not exist. The summary line that
     * {@code docker start} adds ({@code Error: failed to start containers: <id>}) says nothing more.
     */
    static boolean notFound(CommandResult result) {
        if (result.succeeded()) {
            return false;
        }
        boolean any = false;
        for (String line : result.stderr().split("\n")) {
            if (line.isBlank() || line.startsWith("Error: failed to start containers:")) {
                continue;
            }
            String lower = line.toLowerCase(Locale.ROOT);
            if (!lower.contains("no such container") && !lower.contains("no such object")) {
                return false;
            }
            any = true;
        }
        return any;
    }

    static boolean imageNotFound(CommandResult result) {
        return !result.succeeded() && result.stderr().toLowerCase(Locale.ROOT).contains("no such image");
    }

    static boolean nameInUse(CommandResult result) {
        return !result.succeeded() && result.stderr().contains("is already in use by container");
    }

    /** A failed command, typed. */
    static RuntimeError of(String what, CommandResult result, Collection<String> secrets) {
        String stderr = result.stderr();
        String lower = stderr.toLowerCase(Locale.ROOT);
        String message = Secrets.redact("docker: " + what + ": " + CommandException.failed(result).getMessage(),
                secrets);
        if (lower.contains("cannot connect to the docker daemon") || lower.contains("is the docker daemon running")
                || lower.contains("error during connect")) {
            return new RuntimeError.Unavailable(message, null);
        }
        if (notFound(result)) {
            return new RuntimeError.NotFound(message);
        }
        if (lower.contains("no such image") || lower.contains("pull access denied")
                || lower.contains("manifest unknown")) {
            return new RuntimeError.ImageUnavailable(message, null);
        }
        return new RuntimeError.Refused(message, null);
    }

    /** A command that did not run to its end: not started, or killed at its timeout. */
    static RuntimeError of(String what, CommandException e, List<String> secrets) {
        String message = Secrets.redact("docker: " + what + ": " + e.getMessage(), secrets);
        return e.getMessage().contains("did not finish within")
                ? new RuntimeError.TimedOut(message, null) : new RuntimeError.Unavailable(message, null);
    }
}
