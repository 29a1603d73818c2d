package io.staticpod.runtime.spi;

/**
 * A sandbox in full, as CRI's {@code PodSandboxStatus}.
 *
 * @param ip      its address on the pod network, or null (on the node's network, not ready, or no pod network)
 * @param network {@link NamespaceMode#POD} or {@link NamespaceMode#NODE}
 * @param netns   the file of its network namespace while it runs on the pod network, which a process of the node can
 *                open and enter ({@code setns}) to reach the pod's own loopback (port-forward), or null (on the node's
 *                network, not running, or the runtime does not say)
 */
public record SandboxStatus(Sandbox sandbox, String ip, NamespaceMode network, String netns) {

    /** A sandbox whose network namespace the runtime does not say. */
    public SandboxStatus(Sandbox sandbox, String ip, NamespaceMode network) {
        this(sandbox, ip, network, null);
    }

    public String id() {
        return sandbox.id();
    }
}
