/**
 * The pod layer: one serial, coalescing lane per pod ({@link io.staticpod.agent.pod.PodWorkers}) that runs a pod's
 * sync ({@code agent.sync}), and the supervisor that takes each desired change on the reconcile thread, hands it to
 * the lanes, and decides (on that thread too) about pods the runtime has that no manifest wants. The lanes and the
 * relister are built by the daemon's wiring and handed to the supervisor, which binds their callbacks to itself.
 */
package io.staticpod.agent.pod;
