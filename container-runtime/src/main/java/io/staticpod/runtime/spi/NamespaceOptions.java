package io.staticpod.runtime.spi;

import java.util.Objects;

/**
 * The namespaces of a sandbox (and of the containers in it).
 *
 * @param network {@link NamespaceMode#POD} (an address of its own) or {@link NamespaceMode#NODE} (hostNetwork)
 * @param pid     {@link NamespaceMode#CONTAINER} (default), {@link NamespaceMode#POD} (shareProcessNamespace) or
 *                {@link NamespaceMode#NODE} (hostPID)
 * @param ipc     {@link NamespaceMode#POD} or {@link NamespaceMode#NODE} (hostIPC)
 */
public record NamespaceOptions(NamespaceMode network, NamespaceMode pid, NamespaceMode ipc) {
    /** A pod on its own network, each container its own process tree, one IPC namespace for the pod. */
    public static final NamespaceOptions POD = new NamespaceOptions(NamespaceMode.POD, NamespaceMode.CONTAINER,
            NamespaceMode.POD);

    public NamespaceOptions {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(ipc, "ipc");
        if (network == NamespaceMode.CONTAINER || ipc == NamespaceMode.CONTAINER) {
            throw new IllegalArgumentException("network and IPC are the pod's or the node's, never a container's own");
        }
    }
}
