package io.staticpod.mirror;

/** What the Node's Ready condition needs from the agent. Thread-safe; returns at once. */
public interface NodeReadiness {

    /**
     * Whether the container runtime answers: the Node is Ready while it does, and NotReady with {@code message}
     * (what failed) while it does not. Only changes matter; repeating the same health is free.
     */
    void runtimeHealth(boolean ready, String message);
}
