package io.staticpod.runtime.spi;

import java.time.Duration;
import java.util.List;

/** Running a command in a running container and waiting for it, as CRI's {@code ExecSync}: exec probes. */
public interface ExecSync {

    /**
     * Runs {@code command} in the container and waits up to {@code timeout} for it to end.
     *
     * @return its exit code and output; a command still running after {@code timeout} is a result with
     *         {@code timedOut} set (the process may go on in the container: engines offer no way to end it)
     * @throws RuntimeError.NotFound when the container does not exist or is not running
     */
    ExecResult exec(String containerId, List<String> command, Duration timeout);

    /**
     * @param output stdout then stderr, at most a few KiB of each (the rest cut off)
     */
    record ExecResult(int exitCode, String output, boolean timedOut) {
        public boolean succeeded() {
            return !timedOut && exitCode == 0;
        }
    }
}
