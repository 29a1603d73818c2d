package io.staticpod.runtime.spi;

/**
 * What a runtime can do, as data the agent reads (never {@code instanceof}). The optional interfaces themselves
 * ({@link ContainerRuntime#exec()}, {@link ContainerRuntime#events()}, {@link ContainerRuntime#logs()},
 * {@link ContainerRuntime#logRotation()}, {@link ContainerRuntime#streaming()}) are present exactly when the matching
 * flag here is true.
 *
 * @param podNetwork a sandbox that is not on the node's network gets an address of its own ({@link SandboxStatus#ip()})
 * @param hostPorts  {@link PortMapping}s with a host port are published on the node
 * @param exec       {@link ContainerRuntime#exec()} is present
 * @param exitEvents {@link ContainerRuntime#events()} is present: exits are reported as they happen
 * @param logs       {@link ContainerRuntime#logs()} is present
 * @param logFiles   the runtime writes each container's output to {@link ContainerConfig#logPath()} under the
 *                   sandbox's {@link SandboxConfig#logDirectory()} in the CRI log format (CRI runtimes); false: it
 *                   keeps logs its own way
 * @param logRotation {@link ContainerRuntime#logRotation()} is present: the runtime reopens a container's log file
 *                    on request, so that its files can be rotated while it runs (CRI's {@code ReopenContainerLog})
 * @param streaming  {@link ContainerRuntime#streaming()} is present: the runtime serves exec, attach and port-forward
 *                   streams itself, at URLs the node API hands connections over to (CRI's {@code Exec},
 *                   {@code Attach}, {@code PortForward})
 */
public record Capabilities(boolean podNetwork, boolean hostPorts, boolean exec, boolean exitEvents, boolean logs,
                           boolean logFiles, boolean logRotation, boolean streaming) {

    /** A runtime that serves no interactive streams of its own. */
    public Capabilities(boolean podNetwork, boolean hostPorts, boolean exec, boolean exitEvents, boolean logs,
                        boolean logFiles, boolean logRotation) {
        this(podNetwork, hostPorts, exec, exitEvents, logs, logFiles, logRotation, false);
    }

    /**
     * A runtime whose logs are not rotated by the agent (the engine rotates them, or keeps no files), and that serves
     * no interactive streams of its own.
     */
    public Capabilities(boolean podNetwork, boolean hostPorts, boolean exec, boolean exitEvents, boolean logs,
                        boolean logFiles) {
        this(podNetwork, hostPorts, exec, exitEvents, logs, logFiles, false, false);
    }
}
