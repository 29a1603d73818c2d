/**
 * Pods at run time: one serial lane per pod ({@link io.staticpod.agent.pod.PodWorkers}), the sync that brings the
 * runtime in line with a pod ({@code PodSync}: sandbox, init and app containers, restart policy and crash back-off,
 * graceful kill), the mapping of a pod onto the runtime's launch records, and the relister that notices container
 * exits and orphans.
 */
package io.staticpod.agent.pod;
