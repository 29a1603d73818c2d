package io.staticpod.runtime.exec;

import java.util.List;

/**
 * What a command did: its argv, exit code and captured output (decoded as UTF-8).
 *
 * @param argv     the command as run, program first
 * @param exitCode the process exit code
 * @param stdout   everything written to standard output
 * @param stderr   everything written to standard error
 */
public record CommandResult(List<String> argv, int exitCode, String stdout, String stderr) {

    public CommandResult {
        argv = List.copyOf(argv);
        stdout = stdout == null ? "" : stdout;
        stderr = stderr == null ? "" : stderr;
    }

    /** True when the exit code is 0. */
    public boolean succeeded() {
        return exitCode == 0;
    }

    /** Returns this result when it succeeded, else throws a {@link CommandException} quoting argv and stderr. */
    public CommandResult orThrow() {
        if (!succeeded()) {
            throw CommandException.failed(this);
        }
        return this;
    }
}
