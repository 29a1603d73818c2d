/**
 * The desired set of static pods: merges the source's full snapshots (applying the invalid-manifest and duplicate
 * policies) and emits added, updated and removed pods, on one thread, in order.
 */
package io.staticpod.agent.desired;
