package io.staticpod.runtime.spi;

/**
 * A sandbox in full, as CRI's {@code PodSandboxStatus}.
 *
 * @param ip      its address on the pod network, or null (on the node's network, not ready, or no pod network)
 * @param network {@link NamespaceMode#POD} or {@link NamespaceMode#NODE}
 */
public record SandboxStatus(Sandbox sandbox, String ip, NamespaceMode network) {
    public String id() {
        return sandbox.id();
    }
}
