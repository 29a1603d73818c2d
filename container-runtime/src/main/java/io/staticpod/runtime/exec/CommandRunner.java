package io.staticpod.runtime.exec;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs one external command and captures its output: the seam between the CLI adapters and the operating system
 * (as Jib's {@code CliDockerClient} has one). Implementations never pass the agent's stdin to the child.
 *
 * <p>A non-zero exit code is <em>not</em> an error at this level: the caller reads
 * {@link CommandResult#exitCode()} and its stderr, or calls {@link CommandResult#orThrow()}. Thread-safe; blocks
 * for at most about {@code timeout}.
 */
@FunctionalInterface
public interface CommandRunner {

    /**
     * Runs {@code argv} (program first) and waits for it to end.
     *
     * @throws CommandException when the program cannot be started, or does not end within {@code timeout} (it and
     *                          its descendants are then killed)
     */
    CommandResult run(List<String> argv, Duration timeout);

    /**
     * Runs {@code argv} with {@code env} added to (or replacing entries of) the environment the program inherits:
     * the way to hand a program a secret without putting it on its command line, where any local user can read it
     * in {@code /proc/<pid>/cmdline} ({@code /proc/<pid>/environ} is readable by the process's owner and root only).
     * The values are never logged nor quoted in a {@link CommandException}. With an empty map this is
     * {@link #run(List, Duration)}; runners that cannot set an environment refuse a non-empty one.
     *
     * @throws IllegalArgumentException when a name is empty or holds {@code =} or NUL, or a value holds NUL (the
     *                                  message names the variable, never its value)
     */
    default CommandResult run(List<String> argv, Map<String, String> env, Duration timeout) {
        if (env.isEmpty()) {
            return run(argv, timeout);
        }
        throw new UnsupportedOperationException(getClass().getName() + " cannot set a command's environment");
    }

    /** Throws {@link IllegalArgumentException} naming the first variable no process environment can carry. */
    static void checkEnvironment(Map<String, String> env) {
        env.forEach((name, value) -> {
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("environment variable name '" + name.replace("\0", "\\0")
                        + "' cannot be given to a process (empty, or holds '=' or NUL)");
            }
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("the value of environment variable " + name
                        + " holds a NUL character, which no process can be given");
            }
        });
    }
}
