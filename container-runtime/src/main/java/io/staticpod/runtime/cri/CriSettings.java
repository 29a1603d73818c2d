package io.staticpod.runtime.cri;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach a CRI runtime and how long each kind of call may take.
 *
 * @param endpoint       {@code unix:///run/containerd/containerd.sock} (a bare path is taken as a UNIX socket);
 *                       any CRI runtime's socket, CRI-O's {@code unix:///var/run/crio/crio.sock} too
 * @param name           the runtime's short name for logs and container ids ({@code containerd}, {@code cri-o})
 * @param callTimeout    deadline of the short calls: version, list, status, create, start, remove, reopen
 * @param sandboxTimeout deadline of running and stopping a sandbox (the runtime runs CNI, may pull its pause image)
 * @param pullTimeout    deadline of an image pull
 * @param stopMargin     added to a container's grace period for the deadline of its stop, and to an exec's timeout
 * @param memoryRoot     a directory on an in-memory file system (tmpfs) under which in-memory mounts are made, or
 *                       null for the first of {@code /run} and {@code /dev/shm} that is a tmpfs; see
 *                       {@link InMemoryMounts}
 * @param logRoot        where pods' log directories go when a sandbox config names none
 *                       ({@code <logRoot>/<namespace>_<pod>_<uid>}, with {@code <container>/<attempt>.log} for a
 *                       container that names no log path): the kubelet's {@value #DEFAULT_LOG_ROOT} by default, so
 *                       that every container has its output in a file that log shippers know
 * @param exitEvents     whether to use the runtime's {@code GetContainerEvents} (containerd 1.7+, CRI-O 1.26+); null:
 *                       ask the runtime when connecting (Debian 12's containerd 1.6 answers that it has none)
 */
public record CriSettings(String endpoint, String name, Duration callTimeout, Duration sandboxTimeout,
                          Duration pullTimeout, Duration stopMargin, Path memoryRoot, Path logRoot,
                          Boolean exitEvents) {
    public static final String DEFAULT_ENDPOINT = "unix:///run/containerd/containerd.sock";
    public static final String DEFAULT_LOG_ROOT = "/var/log/pods";

    public CriSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        endpoint = endpoint.startsWith("unix:") ? endpoint : "unix://" + endpoint;
        name = name == null || name.isBlank() ? guessName(endpoint) : name;
        callTimeout = callTimeout == null ? Duration.ofSeconds(15) : callTimeout;
        sandboxTimeout = sandboxTimeout == null ? Duration.ofMinutes(2) : sandboxTimeout;
        pullTimeout = pullTimeout == null ? Duration.ofMinutes(10) : pullTimeout;
        stopMargin = stopMargin == null ? Duration.ofSeconds(15) : stopMargin;
        logRoot = logRoot == null ? Path.of(DEFAULT_LOG_ROOT) : logRoot;
    }

    /** The defaults for {@code endpoint}. */
    public static CriSettings of(String endpoint) {
        return new CriSettings(endpoint, null, null, null, null, null, null, null, null);
    }

    public CriSettings withCallTimeout(Duration timeout) {
        return new CriSettings(endpoint, name, timeout, sandboxTimeout, pullTimeout, stopMargin, memoryRoot, logRoot, exitEvents);
    }

    public CriSettings withMemoryRoot(Path root) {
        return new CriSettings(endpoint, name, callTimeout, sandboxTimeout, pullTimeout, stopMargin, root, logRoot, exitEvents);
    }

    public CriSettings withLogRoot(Path root) {
        return new CriSettings(endpoint, name, callTimeout, sandboxTimeout, pullTimeout, stopMargin, memoryRoot, root, exitEvents);
    }

    public CriSettings withExitEvents(Boolean use) {
        return new CriSettings(endpoint, name, callTimeout, sandboxTimeout, pullTimeout, stopMargin, memoryRoot, logRoot,
                use);
    }

    /** The sandbox's log directory: its own, or the kubelet's layout under {@link #logRoot()}. */
    public String logDirectory(io.staticpod.runtime.spi.SandboxConfig sandbox) {
        if (sandbox.logDirectory() != null) {
            return sandbox.logDirectory();
        }
        var m = sandbox.metadata();
        return logRoot.resolve(m.namespace() + "_" + m.name() + "_" + m.uid()).toString();
    }

    /** The socket's path, without the {@code unix://} scheme. */
    public String socketPath() {
        String path = endpoint.substring("unix:".length());
        while (path.startsWith("//")) {
            path = path.substring(1);
        }
        return path;
    }

    private static String guessName(String endpoint) {
        return endpoint.contains("crio") ? "cri-o" : "containerd";
    }
}
