package io.staticpod.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The runtime SPI: what the agent needs from a container engine, at the level of single containers.
 * It knows nothing of pods or manifests; the agent maps a pod onto {@link LaunchSpec}s.
 *
 * <p>All methods are thread-safe and may block (each is one or two calls to the engine, bounded by a
 * timeout). "Missing" always means the engine has no container with that id: it is never an error for
 * {@link #stop} and {@link #remove}, and an empty result for {@link #inspect}. Failures of the engine
 * itself are reported as {@link RuntimeException}s carrying what was tried.
 */
public interface ContainerRuntime {

    /** A short name for logs and metrics: {@code docker}, {@code containerd}. */
    String name();

    /**
     * Checks that the engine answers, and returns its version (e.g. {@code docker 20.10.24}).
     * Not idempotent in the sense of caching: every call asks the engine.
     *
     * @throws RuntimeException naming the engine, the command tried and its error
     */
    String version();

    /**
     * Makes the image available locally according to the policy. {@link PullPolicy#ALWAYS} pulls; when the
     * pull fails and the image is present locally it is used anyway (an air-gapped node keeps running)
     * and the returned result says so. Idempotent.
     *
     * @throws RuntimeException when the image is neither present nor pullable, naming both attempts
     */
    ImageResult ensureImage(String image, PullPolicy policy);

    /**
     * Creates and starts a container with our labels. Returns its id once it has been started (it may
     * already have exited). A container with the same name that is left over from an earlier attempt is
     * removed first. Not idempotent: each call makes a new container.
     */
    String start(LaunchSpec spec);

    /**
     * Stops the container: the stop signal (the image's, else SIGTERM), then SIGKILL after {@code grace}.
     * Blocks until the container has stopped. Idempotent; a missing or already stopped container is fine.
     */
    void stop(String id, Duration grace);

    /** Removes a stopped (or running: forcibly) container. Idempotent; missing is fine. */
    void remove(String id);

    /** The container's current state, or empty if the engine has no such container. */
    Optional<ContainerInfo> inspect(String id);

    /**
     * Every container (running or not) whose labels contain all of {@code labels}, with full state.
     * Recovery after an agent restart is done from this list alone: there is no state file.
     */
    List<ContainerInfo> list(Map<String, String> labels);
}
