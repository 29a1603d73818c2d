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
 * @param nodeLabels             {@code --node-labels}: extra labels of the Node object
 * @param runtimeEndpoint        {@code --container-runtime-endpoint} (or the file's containerRuntimeEndpoint), e.g.
 *                               {@code unix:///run/containerd/containerd.sock}, or null for the runtime's default
 * @param strictManifestPermissions refuse manifests (and all manifests of a directory) that anyone but root can
 *                               write ({@code staticPodAgent.strictManifestPermissions},
 *                               {@code --strict-manifest-permissions}); off by default: then it is a warning
 * @param ignoredFields          top-level KubeletConfiguration fields present in the file that the agent does not act on,
 *                               and kubelet flags it accepts but ignores (named as {@code --node-labels}); sorted,
 *                               for one notice at startup
 * @param nodeApi                the node API (port 10250) and the Node's address
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
                          List<String> ignoredFields,
                          java.util.Map<String, String> nodeLabels,
                          String runtimeEndpoint,
                          boolean strictManifestPermissions,
                          NodeApiConfig nodeApi) {
    public AgentConfig {
        ignoredFields = ignoredFields == null ? List.of() : List.copyOf(ignoredFields);
        nodeLabels = nodeLabels == null ? java.util.Map.of() : java.util.Map.copyOf(nodeLabels);
        nodeApi = nodeApi == null ? NodeApiConfig.DEFAULTS : nodeApi;
    }

    /** A configuration with the node API's defaults. */
    public AgentConfig(Path staticPodPath, Duration fileCheckFrequency, Duration syncFrequency, String nodeName,
                       RuntimeKind runtime, String podInfraContainerImage, Path rootDir, String healthzBindAddress,
                       int healthzPort, Path kubeconfig, String logLevel, List<String> ignoredFields,
                       java.util.Map<String, String> nodeLabels, String runtimeEndpoint,
                       boolean strictManifestPermissions) {
        this(staticPodPath, fileCheckFrequency, syncFrequency, nodeName, runtime, podInfraContainerImage, rootDir,
                healthzBindAddress, healthzPort, kubeconfig, logLevel, ignoredFields, nodeLabels, runtimeEndpoint,
                strictManifestPermissions, NodeApiConfig.DEFAULTS);
    }

    /** A configuration without strict manifest permissions. */
    public AgentConfig(Path staticPodPath, Duration fileCheckFrequency, Duration syncFrequency, String nodeName,
                       RuntimeKind runtime, String podInfraContainerImage, Path rootDir, String healthzBindAddress,
                       int healthzPort, Path kubeconfig, String logLevel, List<String> ignoredFields,
                       java.util.Map<String, String> nodeLabels, String runtimeEndpoint) {
        this(staticPodPath, fileCheckFrequency, syncFrequency, nodeName, runtime, podInfraContainerImage, rootDir,
                healthzBindAddress, healthzPort, kubeconfig, logLevel, ignoredFields, nodeLabels, runtimeEndpoint, false);
    }

    /** A configuration without node labels and with the runtime's default endpoint. */
    public AgentConfig(Path staticPodPath, Duration fileCheckFrequency, Duration syncFrequency, String nodeName,
                       RuntimeKind runtime, String podInfraContainerImage, Path rootDir, String healthzBindAddress,
                       int healthzPort, Path kubeconfig, String logLevel, List<String> ignoredFields) {
        this(staticPodPath, fileCheckFrequency, syncFrequency, nodeName, runtime, podInfraContainerImage, rootDir,
                healthzBindAddress, healthzPort, kubeconfig, logLevel, ignoredFields, java.util.Map.of(), null, false);
    }

    public enum RuntimeKind { DOCKER, CONTAINERD }
}
