package io.staticpod.runtime.exec;

import java.time.Duration;
import java.util.List;

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
}
