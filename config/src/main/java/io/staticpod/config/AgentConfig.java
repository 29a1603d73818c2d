package io.staticpod.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The agent's effective configuration: the KubeletConfiguration file (if any) with the flags applied over it.
 *
 * @param staticPodPath          the manifest directory (or single file)
 * @param fileCheckFrequency     full re-list period of the manifest directory (default 20 s)
 * @param syncFrequency          period of a full pod resync (default 1 min)
 * @param nodeName               lowercased node name (hostname-override, else the host name)
 * @param runtime                which runtime adapter
 * @param podInfraContainerImage the sandbox image
 * @param rootDir                agent state directory (emptyDir volumes live here)
 * @param healthzBindAddress     health endpoint address (default 127.0.0.1)
 * @param healthzPort            health endpoint port (default 10248, 0 disables)
 * @param kubeconfig             kubeconfig file, or null for standalone
 * @param logLevel               root log level (INFO by default)
 * @param ignoredFields          top-level KubeletConfiguration fields present in the file that the agent does not act on,
 *                               and kubelet flags it accepts but ignores (named as {@code --node-labels}); sorted,
 *                               for one notice at startup
 */
public record AgentConfig(Path staticPodPath,
                          Duration fileCheckFrequency,
                          Duration syncFrequency,
                          String nodeName,
                          RuntimeKind runtime,
                          String podInfraContainerImage,
                          Path rootDir,
                          String healthzBindAddress,
                          int healthzPort,
                          Path kubeconfig,
                          String logLevel,
                          List<String> ignoredFields) {
    public AgentConfig {
        ignoredFields = ignoredFields == null ? List.of() : List.copyOf(ignoredFields);
    }

    public enum RuntimeKind { DOCKER, CONTAINERD }
}
