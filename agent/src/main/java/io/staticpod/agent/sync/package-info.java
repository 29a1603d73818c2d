/**
 * Bringing one pod in line with its manifest, as the kubelet's {@code kuberuntime_manager}: observe (what the runtime
 * has under the pod's key, the exits seen), plan ({@link io.staticpod.agent.sync.PodPlanner}: a pure function to
 * {@link io.staticpod.agent.sync.PodActions}), act ({@code PodExecutor}, in numbered steps; containers started by
 * {@code ContainerStarter} and stopped by {@code PodKiller}, with their lifecycle hooks run by {@code LifecycleHooks}),
 * and record the outcome in
 * the one {@link io.staticpod.agent.sync.RestartHistory} (crash back-off, failed starts), keyed by
 * {@link io.staticpod.agent.sync.ContainerRef}.
 */
package io.staticpod.agent.sync;
