/**
 * The daemon's entry point and wiring. The flow is one way: {@code source} (manifest files) → {@code desired}
 * (the desired pod set, one reconcile thread) → {@code pod} (one lane per pod, the runtime) ; nothing flows back
 * except status.
 */
package io.staticpod.agent;
