package io.staticpod.mirror.api;

import io.staticpod.mirror.NodeReadiness;

import java.time.Instant;
import java.time.InstantSource;

/**
 * The container runtime's health for the Node's Ready condition, read from the agent's {@link NodeReadiness}, with the
 * time it last changed as this client saw it (the condition's lastTransitionTime, on the wall clock). Read by the node
 * steps on the worker thread.
 */
final class RuntimeHealth {
    private final InstantSource wall;
    private final NodeReadiness readiness;
    private NodeObjects.Health health; // guarded by this

    /** Ready since {@code since}, until the agent's readiness says otherwise. */
    RuntimeHealth(InstantSource wall, Instant since, NodeReadiness readiness) {
        this.wall = wall;
        this.readiness = readiness;
        this.health = new NodeObjects.Health(true, "", since);
    }

    /** The health now: the agent's readiness read, its transition time kept while it does not change. */
    synchronized NodeObjects.Health get() {
        NodeReadiness.Runtime now = readiness.runtime();
        NodeObjects.Health h = health;
        if (h.ready() != now.ready() || !h.message().equals(now.message())) {
            health = new NodeObjects.Health(now.ready(), now.message(), h.ready() == now.ready() ? h.since()
                    : wall.instant());
        }
        return health;
    }
}
