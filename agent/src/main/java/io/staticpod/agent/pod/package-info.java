/**
 * The pod layer: one serial, coalescing lane per pod ({@link io.staticpod.agent.pod.PodWorkers}) that runs a pod's
 * sync ({@code agent.sync}), and the supervisor that wires lanes, relister and resync together and decides what to do
 * about pods the runtime has that no manifest wants.
 */
package io.staticpod.agent.pod;
