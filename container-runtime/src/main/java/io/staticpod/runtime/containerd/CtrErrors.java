package io.staticpod.runtime.containerd;

import io.staticpod.runtime.exec.CommandResult;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that reads meaning into {@code ctr}'s error text (containerd 1.6). ctr ends a failure with one line
 * {@code ctr: <error>}, and containerd's "not found" errors end in {@code : not found}:
 * {@code ctr: container "x" in namespace "ns": not found} (containers info/delete, tasks kill/delete of a missing
 * container), {@code ctr: no running task found: task x not found: not found} (a container without a task),
 * {@code ctr: process already finished: not found} (kill of a stopped task). Lines before it are logrus lines
 * ({@code time=... level=error msg=...}).
 */
final class CtrErrors {

    /** {@code ctr tasks delete} logs a non-zero exit status as a warning, and says nothing for 0. */
    private static final Pattern EXIT_WARNING = Pattern.compile("task \\S+ exit with non-zero exit code (\\d+)");
    private static final Pattern IMAGE_NOT_FOUND = Pattern.compile("^ctr: image \"[^\"]*\": not found$");

    private CtrErrors() {
    }

    /** True when the command failed only because the container, its task or its process does not exist (any more). */
    static boolean isNotFound(CommandResult result) {
        return !result.succeeded() && errorLine(result).endsWith(": not found");
    }

    /** True when {@code ctr run} failed because the image is not in the namespace. */
    static boolean isImageNotFound(CommandResult result) {
        return !result.succeeded() && IMAGE_NOT_FOUND.matcher(errorLine(result)).matches();
    }

    /**
     * The exit status of the task that a successful {@code ctr tasks delete} removed: the number of the
     * {@code exit with non-zero exit code N} warning, else 0 (ctr prints nothing for 0).
     */
    static int exitStatusOfDeletedTask(CommandResult delete) {
        Matcher m = EXIT_WARNING.matcher(delete.stderr());
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** ctr's own error line ({@code ctr: ...}), or the last non-blank line of stderr. */
    static String errorLine(CommandResult result) {
        List<String> lines = result.stderr().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("ctr: ")) {
                return lines.get(i);
            }
        }
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
