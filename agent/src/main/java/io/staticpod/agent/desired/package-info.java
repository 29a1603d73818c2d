/**
 * The desired set of static pods: merges the source's full snapshots (applying the invalid-manifest and duplicate
 * policies) into one {@link io.staticpod.agent.desired.DesiredChange} per snapshot, on the reconcile thread.
 */
package io.staticpod.agent.desired;
