package io.staticpod.runtime.ctr;

import io.staticpod.runtime.exec.CommandException;
import io.staticpod.runtime.exec.CommandResult;
import io.staticpod.runtime.spi.RuntimeError;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that reads meaning into {@code ctr}'s error text (containerd 1.6). ctr ends a failure with one line
 * {@code ctr: <error>}, and containerd's "not found" errors end in {@code : not found}:
 * {@code ctr: container "x" in namespace "ns": not found} (containers info/delete, tasks kill/delete of a missing
 * container), {@code ctr: no running task found: task x not found: not found} (a container without a task),
 * {@code ctr: process already finished: not found} (kill of a stopped task). Lines before it are logrus lines
 * ({@code time=... level=error msg=...}). A containerd that cannot be reached gives
 * {@code ctr: failed to dial "<socket>": context deadline exceeded} (after {@link CtrCli#CONNECT_TIMEOUT}), one that
 * goes away during a call a gRPC {@code connection error} or {@code : unavailable}.
 */
public final class CtrErrors {

    /** {@code ctr tasks delete} logs a non-zero exit status as a warning, and says nothing for 0. */
    private static final Pattern EXIT_WARNING = Pattern.compile("task \\S+ exit with non-zero exit code (\\d+)");
    private static final Pattern IMAGE_NOT_FOUND = Pattern.compile("^ctr: image \"[^\"]*\": not found$");
    private static final List<String> UNREACHABLE = List.of("failed to dial", "connection error", "transport is closing",
            "connection refused", ": unavailable");

    private CtrErrors() {
    }

    /** True when the command failed only because the container, its task or its process does not exist (any more). */
    public static boolean isNotFound(CommandResult result) {
        return !result.succeeded() && errorLine(result).endsWith(": not found");
    }

    /** True when {@code ctr run} or {@code ctr containers create} failed because the image is not in the namespace. */
    public static boolean isImageNotFound(CommandResult result) {
        return !result.succeeded() && IMAGE_NOT_FOUND.matcher(errorLine(result)).matches();
    }

    /** True when the object to create exists already ({@code ctr: task x: already exists}). */
    public static boolean isAlreadyExists(CommandResult result) {
        return !result.succeeded() && errorLine(result).endsWith(": already exists");
    }

    /** True when ctr could not reach containerd, or lost it during the call. */
    public static boolean isUnreachable(CommandResult result) {
        String line = errorLine(result);
        return !result.succeeded() && UNREACHABLE.stream().anyMatch(line::contains);
    }

    /**
     * The exit status of the task that a successful {@code ctr tasks delete} removed: the number of the
     * {@code exit with non-zero exit code N} warning, else 0 (ctr prints nothing for 0).
     */
    public static int exitStatusOfDeletedTask(CommandResult delete) {
        Matcher m = EXIT_WARNING.matcher(delete.stderr());
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** ctr's own error line ({@code ctr: ...}), or the last non-blank line of stderr. */
    public static String errorLine(CommandResult result) {
        List<String> lines = result.stderr().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("ctr: ")) {
                return lines.get(i);
            }
        }
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    /**
     * The typed error of a ctr command that ran and failed: {@link RuntimeError.ImageUnavailable} for a missing
     * image, {@link RuntimeError.NotFound} for a missing container or task, {@link RuntimeError.Unavailable} when
     * containerd cannot be reached, {@link RuntimeError.TimedOut} when containerd's own deadline passed, and
     * {@link RuntimeError.Refused} for everything else (containerd answered no). The message starts with
     * {@code what}, then quotes the command (environment values redacted) and ctr's stderr.
     */
    public static RuntimeError failure(String what, CommandResult result) {
        String message = what + ": " + CommandException.failed(result).getMessage();
        if (isImageNotFound(result)) {
            return new RuntimeError.ImageUnavailable(message, null);
        }
        if (isNotFound(result)) {
            return new RuntimeError.NotFound(message);
        }
        if (isUnreachable(result)) {
            return new RuntimeError.Unavailable(message, null);
        }
        if (errorLine(result).endsWith("deadline exceeded")) {
            return new RuntimeError.TimedOut(message, null);
        }
        return new RuntimeError.Refused(message, null);
    }

    /**
     * The typed error of a ctr command that did not run to its end: {@link RuntimeError.Unavailable} when ctr
     * cannot be run at all (not installed), else {@link RuntimeError.TimedOut} (killed at its deadline, or the
     * calling thread was interrupted).
     */
    public static RuntimeError failure(String what, CommandException e) {
        String message = what + ": " + e.getMessage();
        if (e.getCause() instanceof IOException) {
            return new RuntimeError.Unavailable(message + " (is containerd's ctr installed and on the PATH?)", e);
        }
        return new RuntimeError.TimedOut(message, e);
    }
}
