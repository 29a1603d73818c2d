package io.staticpod.mirror;

/**
 * What the Node's Ready condition reads from the agent: the container runtime's health as the agent sees it now. The
 * mirror client reads it on its own thread (at least every {@code HEALTH_POLL}, a second) and writes the Node's
 * status when it changed, as the kubelet's node status loop reads its runtime state.
 */
@FunctionalInterface
public interface NodeReadiness {

    /** The runtime's health now. Thread-safe; returns at once (a volatile read, no call to the runtime). */
    Runtime runtime();

    /**
     * Whether the container runtime answers: the Node is Ready while it does, and NotReady with {@code message} (what
     * failed) while it does not.
     */
    record Runtime(boolean ready, String message) {
        public Runtime {
            message = message == null ? "" : message;
        }
    }

    /** A runtime always taken as answering: for clients not wired to an agent (tools, tests). */
    NodeReadiness ALWAYS_READY = () -> new Runtime(true, "");
}
