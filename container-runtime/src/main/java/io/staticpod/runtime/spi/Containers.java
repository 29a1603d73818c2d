package io.staticpod.runtime.spi;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Containers in a sandbox. Rules of {@link ContainerRuntime} apply. */
public interface Containers {

    /**
     * Creates (does not start) a container in the sandbox, joining its namespaces as {@code sandboxConfig} says.
     * Returns its id. Not idempotent; a leftover with the same name and attempt that is not running is removed
     * first. The environment goes to the engine in the request, never on a command line or in a log.
     *
     * @param sandboxConfig the configuration the sandbox was run with (CRI needs it again here)
     * @throws RuntimeError.NotFound         when the sandbox does not exist
     * @throws RuntimeError.ImageUnavailable when the image is not present (pulling is the caller's decision)
     * @throws RuntimeError.Refused          when the engine refuses the configuration (the message names it)
     */
    String create(String sandboxId, ContainerConfig config, SandboxConfig sandboxConfig);

    /**
     * Starts a created container. The process may have exited again by the time this returns.
     *
     * @throws RuntimeError.NotFound when the container does not exist
     * @throws RuntimeError.Refused  when the engine cannot start it (a bad command, a mount it cannot make)
     */
    void start(String containerId);

    /**
     * Stops the container: its stop signal (the image's, else SIGTERM), then SIGKILL once {@code grace} is over.
     * Blocks until it has stopped (the deadline is the grace plus a margin). Idempotent; a missing or stopped
     * container is fine.
     */
    void stop(String containerId, Duration grace);

    /** Removes a container, forcibly if it runs. Idempotent; a missing container is fine. */
    void remove(String containerId);

    /** The container's full state, or empty if the engine has no such container. */
    Optional<ContainerStatus> status(String containerId);

    /** Every container whose labels include all of {@code labels}. */
    List<ContainerSummary> list(Map<String, String> labels);
}
