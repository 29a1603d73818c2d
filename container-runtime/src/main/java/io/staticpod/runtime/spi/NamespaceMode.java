package io.staticpod.runtime.spi;

/** Whose namespace a container or sandbox uses, as CRI's {@code NamespaceMode}. */
public enum NamespaceMode {
    /** The pod's: shared by every container of the sandbox. */
    POD,
    /** The container's own (PID only: each container its own process tree). */
    CONTAINER,
    /** The node's (host network, host PID, host IPC). */
    NODE
}
