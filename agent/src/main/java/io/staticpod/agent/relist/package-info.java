/**
 * What the runtime has, as the kubelet's PLEG and pod cache: one snapshot of everything the agent owns every second on
 * a thread of its own, container statuses fetched only for what changed (an exited container's never changes), a
 * cache of each pod's {@link io.staticpod.agent.relist.PodView} that lanes read, exit events that wake a pod at once,
 * and the runtime's health as the relist sees it ({@link io.staticpod.agent.relist.RuntimeHealth}), which
 * {@code /healthz} and the Node's Ready condition read.
 */
package io.staticpod.agent.relist;
