/**
 * The daemon's entry point and its wiring, all in {@link io.staticpod.agent.StaticPodAgent}. The flow is one way:
 * {@code source} (manifest files) → {@code desired} (one {@code DesiredChange} per snapshot, on the reconcile thread)
 * → {@code pod} (the supervisor on the reconcile thread, one lane per pod) → {@code sync} → the runtime; the
 * {@code relist} thread only observes the runtime and hands what it finds back to the reconcile thread. Nothing flows
 * back except status.
 */
package io.staticpod.agent;
