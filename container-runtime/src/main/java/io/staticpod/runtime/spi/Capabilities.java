package io.staticpod.runtime.spi;

/**
 * What a runtime can do, as data the agent reads (never {@code instanceof}). The optional interfaces themselves
 * ({@link ContainerRuntime#exec()}, {@link ContainerRuntime#events()}, {@link ContainerRuntime#logs()},
 * {@link ContainerRuntime#logRotation()}, {@link ContainerRuntime#streaming()}) are present exactly when the matching
 * flag here is true.
 *
 * @param podNetwork   a sandbox that is not on the node's network gets an address of its own ({@link SandboxStatus#ip()})
 * @param hostPorts    {@link PortMapping}s with a host port are published on the node
 * @param exec         {@link ContainerRuntime#exec()} is present
 * @param exitEvents   {@link ContainerRuntime#events()} is present: exits are reported as they happen
 * @param logs         {@link ContainerRuntime#logs()} is present
 * @param logFiles     the runtime writes each container's output to {@link ContainerConfig#logPath()} under the
 *                     sandbox's {@link SandboxConfig#logDirectory()} in the CRI log format (CRI runtimes); false: it
 *                     keeps logs its own way
 * @param runAsUser    {@link ContainerSecurity#runAsUser()}, {@link ContainerSecurity#runAsGroup()} and
 *                     {@link ContainerSecurity#supplementalGroups()} are applied; false: the container runs as its
 *                     image's user and groups (the adapter logs a WARN naming what it did not apply)
 * @param multiLineEnv every environment value reaches the process exactly; false: a value the runtime could only pass
 *                     on a command line (one holding a line break or ending in a carriage return) is refused with
 *                     {@link RuntimeError.Refused} naming the variable, never its value
 * @param logRotation  {@link ContainerRuntime#logRotation()} is present: the runtime reopens a container's log file
 *                     on request, so that its files can be rotated while it runs (CRI's {@code ReopenContainerLog})
 * @param streaming    {@link ContainerRuntime#streaming()} is present: the runtime serves exec, attach and
 *                     port-forward streams itself, at URLs the node API hands connections over to (CRI's
 *                     {@code Exec}, {@code Attach}, {@code PortForward})
 */
public record Capabilities(boolean podNetwork, boolean hostPorts, boolean exec, boolean exitEvents, boolean logs,
                           boolean logFiles, boolean runAsUser, boolean multiLineEnv, boolean logRotation,
                           boolean streaming) {

    /**
     * A runtime that applies users and groups and takes every environment value, whose logs are not rotated by the
     * agent (the engine rotates them, or keeps no files), and that serves no interactive streams of its own.
     */
    public Capabilities(boolean podNetwork, boolean hostPorts, boolean exec, boolean exitEvents, boolean logs,
                        boolean logFiles) {
        this(podNetwork, hostPorts, exec, exitEvents, logs, logFiles, true, true, false, false);
    }
}
