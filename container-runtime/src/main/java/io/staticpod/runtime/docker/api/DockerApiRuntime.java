package io.staticpod.runtime.docker.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.runtime.docker.DockerContainers;
import io.staticpod.runtime.docker.DockerRuntime;
import io.staticpod.runtime.spi.Capabilities;
import io.staticpod.runtime.spi.ContainerLogs;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ExecStreams;
import io.staticpod.runtime.spi.ExecSync;
import io.staticpod.runtime.spi.ExitEvents;
import io.staticpod.runtime.spi.RuntimeVersion;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link ContainerRuntime} on the Docker Engine API ({@code --runtime docker}), over the engine's UNIX socket,
 * in dockershim's shape: a sandbox is a pause container, its containers join its network and IPC namespaces (see
 * {@link CreateBodies}); names and labels are those of every Docker adapter ({@link io.staticpod.runtime.docker}),
 * so a node switching between this and {@code docker-cli} adopts its pods. No process is spawned, ever.
 *
 * <p><b>Deadlines</b> (each call returns or throws {@link io.staticpod.runtime.spi.RuntimeError.TimedOut} by then,
 * whatever the engine does): {@code callTimeout} for every call; a stop's grace plus
 * {@value DockerContainers#STOP_MARGIN_SECONDS} s; a pull, {@code pullTimeout}; an exec, its timeout plus
 * {@code callTimeout}; logs and events, {@code callTimeout} for the answer's head, then as long as the caller reads.
 * The snapshot is one {@code GET /containers/json} ({@link ApiContainers}).
 *
 * <p><b>Threads</b>: one watchdog for all deadlines ({@value DockerHttp#WATCHDOG_THREAD}), plus one per event
 * subscription ({@code docker-api-events-N}); calls run on their callers' threads, at most
 * {@value DockerHttp#MAX_CONNECTIONS} at a time (more wait for a connection, within their deadline), streams on at most
 * {@value DockerHttp#MAX_STREAMS} connections of their own.
 */
public final class DockerApiRuntime extends DockerRuntime {

    /** Docker's own socket. */
    public static final String DEFAULT_ENDPOINT = "unix:///var/run/docker.sock";
    /** The default deadline of a call. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);
    /** The default deadline of a pull. */
    public static final Duration DEFAULT_PULL_TIMEOUT = Duration.ofMinutes(10);

    private static final Capabilities CAPABILITIES = new Capabilities(true, true, true, true, true, false);

    private final ApiClient api;
    private final ApiExec exec;
    private final ApiEvents events;
    private final ApiLogs logs;

    private DockerApiRuntime(ApiClient api, String sandboxImage, Duration pullTimeout) {
        super(CAPABILITIES, new ApiSandboxes(api, new ApiContainers(api), sandboxImage),
                new ApiImages(api, pullTimeout));
        this.api = api;
        this.exec = new ApiExec(api);
        this.events = new ApiEvents(api);
        this.logs = new ApiLogs(api);
    }

    /**
     * A runtime on the engine at {@code endpoint}, with {@link #DEFAULT_PULL_TIMEOUT}. Nothing is asked of the engine
     * yet: the first call negotiates the API version ({@link #version()} is the call that reports a problem).
     *
     * @param endpoint     {@code unix:///path/to/docker.sock} or a bare path; null for {@link #DEFAULT_ENDPOINT}
     * @param callTimeout  the deadline of each call (see the class comment for the longer ones)
     * @param sandboxImage the pause image of sandboxes ({@code --pod-infra-container-image}), present on the node
     * @throws IllegalArgumentException for an endpoint that is not a UNIX socket
     */
    public static DockerApiRuntime connect(String endpoint, Duration callTimeout, String sandboxImage) {
        return connect(endpoint, callTimeout, DEFAULT_PULL_TIMEOUT, sandboxImage);
    }

    /** As {@link #connect(String, Duration, String)}, with the deadline of pulls. */
    public static DockerApiRuntime connect(String endpoint, Duration callTimeout, Duration pullTimeout,
                                           String sandboxImage) {
        String e = endpoint == null || endpoint.isBlank() ? DEFAULT_ENDPOINT : endpoint;
        Objects.requireNonNull(sandboxImage, "sandboxImage");
        if (callTimeout.isNegative() || callTimeout.isZero() || pullTimeout.isNegative() || pullTimeout.isZero()) {
            throw new IllegalArgumentException("deadlines must be positive: call " + callTimeout + ", pull "
                    + pullTimeout);
        }
        return new DockerApiRuntime(new ApiClient(e, socketPath(e), callTimeout), sandboxImage, pullTimeout);
    }

    static Path socketPath(String endpoint) {
        if (endpoint.startsWith("/")) {
            return Path.of(endpoint);
        }
        URI uri = URI.create(endpoint);
        if (!"unix".equals(uri.getScheme()) || uri.getPath() == null || uri.getPath().isEmpty()) {
            throw new IllegalArgumentException("the Docker endpoint " + endpoint + " is not a UNIX socket"
                    + " (unix:///var/run/docker.sock); TCP endpoints are not supported");
        }
        return Path.of(uri.getPath());
    }

    @Override
    public RuntimeVersion version() {
        JsonNode v = api.get(ApiErrors.Kind.OTHER, "version", "/version");
        return new RuntimeVersion("docker", v.path("Version").asText("unknown"), api.version());
    }

    @Override
    public Optional<ExecSync> exec() {
        return Optional.of(exec);
    }

    @Override
    public Optional<ExecStreams> execStreams() {
        return Optional.of(exec);
    }

    @Override
    public Optional<ExitEvents> events() {
        return Optional.of(events);
    }

    @Override
    public Optional<ContainerLogs> logs() {
        return Optional.of(logs);
    }

    /** Closes every connection and the watchdog; event subscriptions end with their streams. */
    @Override
    public void close() {
        events.closeAll();
        api.close();
    }

    @Override
    public String toString() {
        return "DockerApiRuntime[" + api.endpoint + "]";
    }
}
