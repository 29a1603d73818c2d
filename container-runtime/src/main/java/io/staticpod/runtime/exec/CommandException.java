package io.staticpod.runtime.exec;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A command that failed, could not be started, or timed out. The message quotes the command and, when there is
 * one, its stderr, so that whoever reads the log sees what was tried and what the tool said.
 */
public class CommandException extends RuntimeException {

    private final List<String> argv;
    private final int exitCode;
    private final String stderr;

    public CommandException(String message, List<String> argv, int exitCode, String stderr, Throwable cause) {
        super(message, cause);
        this.argv = List.copyOf(argv);
        this.exitCode = exitCode;
        this.stderr = stderr == null ? "" : stderr;
    }

    /** A command that ran and exited non-zero. */
    public static CommandException failed(CommandResult result) {
        String message = "`" + quote(result.argv()) + "` failed with exit code " + result.exitCode()
                + (result.stderr().isBlank() ? "" : ": " + result.stderr().strip());
        return new CommandException(message, result.argv(), result.exitCode(), result.stderr(), null);
    }

    /** The command as run. */
    public List<String> argv() {
        return argv;
    }

    /** The exit code, or -1 when the command did not run to completion (not started, timed out). */
    public int exitCode() {
        return exitCode;
    }

    /** Its stderr, possibly empty. */
    public String stderr() {
        return stderr;
    }

    /** The argv as a shell-like string for messages; arguments with spaces or quotes are single-quoted. */
    public static String quote(List<String> argv) {
        return argv.stream().map(CommandException::quoteOne).collect(Collectors.joining(" "));
    }

    private static String quoteOne(String arg) {
        if (!arg.isEmpty() && arg.chars().noneMatch(c -> Character.isWhitespace(c) || c == '\'' || c == '"')) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }
}
