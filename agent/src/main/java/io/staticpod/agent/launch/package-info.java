/**
 * From a static pod to what the runtime is asked to run: the sandbox and container configs
 * ({@link io.staticpod.agent.launch.LaunchConfigs}: names, labels and annotations as the kubelet's, resources and
 * security settings, the environment with the downward API), and what the agent prepares on the node for them
 * (volumes, the pod's {@code /etc/hosts}, termination message files, log directories). The host's mounts (the tmpfs
 * of an {@code emptyDir} with {@code medium: Memory}) go through {@link io.staticpod.agent.launch.HostMounts}, whose
 * production implementation ({@link io.staticpod.agent.launch.SyscallHostMounts}: C's {@code mount(2)}, no process) the daemon's wiring gives.
 */
package io.staticpod.agent.launch;
