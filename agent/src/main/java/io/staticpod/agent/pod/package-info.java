/**
 * The pod layer: one serial, coalescing lane per pod ({@link io.staticpod.agent.pod.PodWorkers}) that runs a pod's
 * sync ({@code agent.sync}), and the supervisor that takes each desired change on the reconcile thread, hands it to
 * the lanes, and decides (on that thread too) about pods the runtime has that no manifest wants.
 */
package io.staticpod.agent.pod;
