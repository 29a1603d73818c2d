package io.staticpod.runtime;

import java.time.Duration;
import java.util.List;

/**
 * An optional ability of a runtime: running a command inside a running container, as exec probes need. Separate
 * from {@link ContainerRuntime} so that a runtime without it is still a runtime. Thread-safe; blocks up to the
 * timeout.
 */
public interface ContainerExec {

    /**
     * Runs {@code command} in the container and waits for it.
     *
     * @return the exit code and combined output; a command still running after {@code timeout} is a result with
     *         {@code timedOut} set (the process in the container may go on: the engine offers no way to stop it)
     * @throws RuntimeException when the container does not exist or is not running, naming it
     */
    Result exec(String containerId, List<String> command, Duration timeout);

    /** @param output stdout then stderr, as the engine returned them */
    record Result(int exitCode, String output, boolean timedOut) {
        public boolean succeeded() {
            return !timedOut && exitCode == 0;
        }
    }
}
