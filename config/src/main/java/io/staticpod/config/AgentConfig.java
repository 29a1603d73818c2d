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
 * @param runtime                which runtime adapter ({@code --runtime}, {@code staticPodAgent.runtime})
 * @param podInfraContainerImage the sandbox image
 * @param rootDir                agent state directory (emptyDir volumes live here)
 * @param healthzBindAddress     health endpoint address (default 127.0.0.1)
 * @param healthzPort            health endpoint port (default 10248, 0 disables)
 * @param kubeconfig             kubeconfig file, or null for standalone
 * @param logLevel               root log level (INFO by default)
 * @param nodeLabels             {@code --node-labels}: extra labels of the Node object
 * @param runtimeEndpoint        {@code --container-runtime-endpoint} (or the file's containerRuntimeEndpoint), a
 *                               {@code unix://} socket, or null for the runtime's default
 *                               ({@link RuntimeKind#defaultEndpoint()})
 * @param strictManifestPermissions refuse manifests (and all manifests of a directory) that anyone but root can
 *                               write ({@code staticPodAgent.strictManifestPermissions},
 *                               {@code --strict-manifest-permissions}); off by default: then it is a warning
 * @param dockerCli              the docker CLI binary of {@code --runtime docker-cli}
 *                               ({@code staticPodAgent.dockerCli}): a name looked up on the PATH, or a path
 * @param ignoredFields          top-level KubeletConfiguration fields present in the file that the agent does not act on,
 *                               and kubelet flags it accepts but ignores (named as {@code --node-labels}); sorted,
 *                               for one notice at startup
 * @param nodeApi                the node API (port 10250) and the Node's address
 * @param containerLogs          when containers' log files are rotated and how many are kept
 *                               ({@code containerLogMaxSize}, {@code containerLogMaxFiles})
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
                          String dockerCli,
                          NodeApiConfig nodeApi,
                          ContainerLogLimits containerLogs) {
    public AgentConfig {
        dockerCli = dockerCli == null || dockerCli.isBlank() ? DEFAULT_DOCKER_CLI : dockerCli;
        ignoredFields = ignoredFields == null ? List.of() : List.copyOf(ignoredFields);
        nodeLabels = nodeLabels == null ? java.util.Map.of() : java.util.Map.copyOf(nodeLabels);
        nodeApi = nodeApi == null ? NodeApiConfig.DEFAULTS : nodeApi;
        containerLogs = containerLogs == null ? ContainerLogLimits.DEFAULTS : containerLogs;
    }

    /** A configuration with the kubelet's default container log limits. */
    public AgentConfig(Path staticPodPath, Duration fileCheckFrequency, Duration syncFrequency, String nodeName,
                       RuntimeKind runtime, String podInfraContainerImage, Path rootDir, String healthzBindAddress,
                       int healthzPort, Path kubeconfig, String logLevel, List<String> ignoredFields,
                       java.util.Map<String, String> nodeLabels, String runtimeEndpoint,
                       boolean strictManifestPermissions, String dockerCli, NodeApiConfig nodeApi) {
        this(staticPodPath, fileCheckFrequency, syncFrequency, nodeName, runtime, podInfraContainerImage, rootDir,
                healthzBindAddress, healthzPort, kubeconfig, logLevel, ignoredFields, nodeLabels, runtimeEndpoint,
                strictManifestPermissions, dockerCli, nodeApi, ContainerLogLimits.DEFAULTS);
    }

    /** The docker CLI of {@code --runtime docker-cli} unless the config names another. */
    public static final String DEFAULT_DOCKER_CLI = "docker";

    /** A configuration with the default docker CLI and the node API's defaults. */
    public AgentConfig(Path staticPodPath, Duration fileCheckFrequency, Duration syncFrequency, String nodeName,
                       RuntimeKind runtime, String podInfraContainerImage, Path rootDir, String healthzBindAddress,
                       int healthzPort, Path kubeconfig, String logLevel, List<String> ignoredFields,
                       java.util.Map<String, String> nodeLabels, String runtimeEndpoint,
                       boolean strictManifestPermissions) {
        this(staticPodPath, fileCheckFrequency, syncFrequency, nodeName, runtime, podInfraContainerImage, rootDir,
                healthzBindAddress, healthzPort, kubeconfig, logLevel, ignoredFields, nodeLabels, runtimeEndpoint,
                strictManifestPermissions, null, NodeApiConfig.DEFAULTS);
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

    /** The runtime endpoint: the configured one, else the runtime's default. */
    public String effectiveRuntimeEndpoint() {
        return runtimeEndpoint != null ? runtimeEndpoint : runtime.defaultEndpoint();
    }

    /** The runtimes the agent can drive, by their {@code --runtime} names. */
    public enum RuntimeKind {
        /** The Docker Engine API on the docker socket (the default). */
        DOCKER("docker", "unix:///var/run/docker.sock"),
        /** The {@code docker} command line (or a compatible binary), which talks to the docker socket itself. */
        DOCKER_CLI("docker-cli", "unix:///var/run/docker.sock"),
        /** containerd through its {@code ctr} command line, on the containerd socket. */
        CTR("ctr", "unix:///run/containerd/containerd.sock"),
        /** containerd through its CRI plugin. */
        CONTAINERD("containerd", "unix:///run/containerd/containerd.sock"),
        /** Any CRI runtime (containerd, CRI-O) on its CRI socket. */
        CRI("cri", "unix:///run/containerd/containerd.sock");

        private final String flagName;
        private final String defaultEndpoint;

        RuntimeKind(String flagName, String defaultEndpoint) {
            this.flagName = flagName;
            this.defaultEndpoint = defaultEndpoint;
        }

        /** As {@code --runtime} spells it. */
        public String flagName() {
            return flagName;
        }

        /** Where it is reached when {@code --container-runtime-endpoint} says nothing. */
        public String defaultEndpoint() {
            return defaultEndpoint;
        }

        @Override
        public String toString() {
            return flagName;
        }
    }
}
