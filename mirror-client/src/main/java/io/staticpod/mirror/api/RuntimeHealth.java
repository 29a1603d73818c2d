package io.staticpod.mirror.api;

import java.time.Instant;
import java.time.InstantSource;

/**
 * The container runtime's health as the agent last reported it, for the Node's Ready condition, with the time it last
 * changed (the condition's lastTransitionTime). Written by any thread; read by the node steps.
 */
final class RuntimeHealth {
    private final InstantSource wall;
    private volatile NodeObjects.Health health;

    /** Ready since {@code since}, until told otherwise. */
    RuntimeHealth(InstantSource wall, Instant since) {
        this.wall = wall;
        this.health = new NodeObjects.Health(true, "", since);
    }

    /** True when this changed the health. */
    synchronized boolean report(boolean ready, String message) {
        NodeObjects.Health h = health;
        String m = message == null ? "" : message;
        if (h.ready() == ready && h.message().equals(m)) {
            return false;
        }
        health = new NodeObjects.Health(ready, m, h.ready() == ready ? h.since() : wall.instant());
        return true;
    }

    NodeObjects.Health get() {
        return health;
    }
}
