package io.staticpod.runtime.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pod sandboxes: what holds a pod's network, IPC and (when shared) PID namespaces, its host name, DNS settings and
 * published ports. Every pod has one, on the node's network too ({@link NamespaceMode#NODE}). Rules of
 * {@link ContainerRuntime} apply.
 */
public interface PodSandboxes {

    /**
     * Creates and starts a sandbox; returns its id once it is ready (its network set up). Not idempotent: each
     * call makes a new sandbox, a leftover of the same name and attempt (an agent killed half-way) is removed first.
     *
     * @throws RuntimeError.ImageUnavailable when the sandbox image is missing (the message names the setting)
     * @throws RuntimeError.Refused          when the engine cannot set it up (a host port taken, no pod network:
     *                                       the message is the engine's, naming its network configuration)
     */
    String run(SandboxConfig config);

    /**
     * Stops every container of the sandbox and the sandbox itself, and releases its network (address, ports). The
     * sandbox stays listed until removed. Idempotent; a missing sandbox is fine. Blocks until done.
     */
    void stop(String sandboxId);

    /** Removes a sandbox and any container still in it (forcibly). Idempotent; a missing sandbox is fine. */
    void remove(String sandboxId);

    /** The sandbox's state and address, or empty if the engine has no such sandbox. */
    Optional<SandboxStatus> status(String sandboxId);

    /** Every sandbox whose labels include all of {@code labels}. */
    List<Sandbox> list(Map<String, String> labels);
}
