package io.staticpod.runtime.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A command that failed, could not be started, or timed out. The message quotes the command and, when there is
 * one, its stderr, so that whoever reads the log sees what was tried and what the tool said.
 *
 * <p>Environment values are secrets (a pod's env often carries passwords and tokens): wherever a command is quoted
 * ({@link #quote}, this exception's message and {@link #argv()}, and so every log line and status built from them),
 * the argument after {@code -e} or {@code --env} that reads {@code NAME=VALUE} is shown as {@code NAME=…}.
 */
public class CommandException extends RuntimeException {

    private final List<String> argv;
    private final int exitCode;
    private final String stderr;

    public CommandException(String message, List<String> argv, int exitCode, String stderr, Throwable cause) {
        super(message, cause);
        this.argv = redact(argv);
        this.exitCode = exitCode;
        this.stderr = stderr == null ? "" : stderr;
    }

    /** A command that ran and exited non-zero. */
    public static CommandException failed(CommandResult result) {
        String message = "`" + quote(result.argv()) + "` failed with exit code " + result.exitCode()
                + (result.stderr().isBlank() ? "" : ": " + result.stderr().strip());
        return new CommandException(message, result.argv(), result.exitCode(), result.stderr(), null);
    }

    /** The command as run, with environment values redacted ({@link #redact}). */
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

    /**
     * The argv as a shell-like string for messages and logs; arguments with spaces or quotes are single-quoted, and
     * environment values are redacted ({@link #redact}).
     */
    public static String quote(List<String> argv) {
        return redact(argv).stream().map(CommandException::quoteOne).collect(Collectors.joining(" "));
    }

    /** The flags of {@code docker run} and {@code ctr run} whose next argument is {@code NAME=VALUE}. */
    private static final Set<String> ENV_FLAGS = Set.of("-e", "--env");
    /** What stands for a redacted value. */
    public static final String REDACTED = "…";

    /**
     * {@code argv} with the value of every {@code -e NAME=VALUE}, {@code --env NAME=VALUE} and
     * {@code --env=NAME=VALUE} replaced by {@value #REDACTED}. It may redact more than an environment (a container's
     * own {@code sed -e s/a=b/c/}), never less.
     */
    public static List<String> redact(List<String> argv) {
        List<String> out = new ArrayList<>(argv.size());
        boolean envNext = false;
        for (String arg : argv) {
            if (envNext) {
                out.add(redactAssignment(arg));
            } else if (arg.startsWith("--env=")) {
                out.add("--env=" + redactAssignment(arg.substring("--env=".length())));
            } else {
                out.add(arg);
            }
            envNext = ENV_FLAGS.contains(arg);
        }
        return List.copyOf(out);
    }

    private static String redactAssignment(String arg) {
        int eq = arg.indexOf('=');
        return eq < 0 ? arg : arg.substring(0, eq + 1) + REDACTED;
    }

    private static String quoteOne(String arg) {
        if (!arg.isEmpty() && arg.chars().noneMatch(c -> Character.isWhitespace(c) || c == '\'' || c == '"')) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }
}
