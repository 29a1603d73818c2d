package io.staticpod.runtime.docker;

import io.staticpod.runtime.exec.CommandResult;

import java.util.Locale;

/**
 * The one place that reads meaning into the Docker CLI's error text. Docker 20.10 says
 * {@code Error: No such object: <id>} ({@code docker inspect}), {@code Error response from daemon: No such container:
 * <id>} ({@code stop}, {@code rm}) and {@code No such image: <ref>} ({@code image inspect}).
 */
final class DockerErrors {

    private DockerErrors() {
    }

    /** True when the command failed only because the container (or object) does not exist. */
    static boolean isNotFound(CommandResult result) {
        return !result.succeeded() && isNotFound(result.stderr());
    }

    /** True when every non-blank line of {@code stderr} says that something does not exist. */
    static boolean isNotFound(String stderr) {
        boolean any = false;
        for (String line : stderr.split("\n")) {
            if (line.isBlank()) {
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

    /** True when {@code image inspect} failed because the image is not present. */
    static boolean isImageNotFound(CommandResult result) {
        return !result.succeeded() && result.stderr().toLowerCase(Locale.ROOT).contains("no such image");
    }

    /** True when {@code docker run} failed because a container with that name exists (a leftover of a crash). */
    static boolean isNameConflict(CommandResult result) {
        return !result.succeeded() && result.stderr().contains("is already in use by container");
    }
}
