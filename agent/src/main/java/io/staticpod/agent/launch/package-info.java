/**
 * From a static pod to what the runtime is asked to run: the sandbox and container configs
 * ({@link io.staticpod.agent.launch.LaunchConfigs}: names, labels and annotations as the kubelet's, resources and
 * security settings, the environment with the downward API), and what the agent prepares on the node for them
 * (volumes, the pod's {@code /etc/hosts}, termination message files, log directories).
 */
package io.staticpod.agent.launch;
