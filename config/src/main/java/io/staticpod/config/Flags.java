package io.staticpod.config;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The command line, spelled as the kubelet spells it. Every value is kept as text and converted later by
 * {@link Values}, so that all bad values are reported together rather than the first one only.
 */
@Command(name = "static-pod-agent",
        sortOptions = false,
        usageHelpWidth = 100,
        description = {
            "Runs the static pods in a manifest directory the way the kubelet does: every Pod manifest in",
            "the directory becomes running containers (Docker, containerd or any CRI runtime), restarted when they exit,",
            "stopped when the file goes away, and published as a mirror pod when --kubeconfig is given.",
            ""},
        footer = {
            "",
            "Flags win over the --config file. The file is a KubeletConfiguration: the agent reads",
            "staticPodPath, fileCheckFrequency, syncFrequency, healthzBindAddress, healthzPort,",
            "containerRuntimeEndpoint, the node API's address, port, tls*, authentication and",
            "authorization, and its own staticPodAgent: section (runtime, dockerCli,",
            "podInfraContainerImage, rootDir, logLevel, strictManifestPermissions, nodeIP); it accepts every",
            "other field and lists, once at startup, the ones it does not act on."})
final class Flags {
    @Option(names = "--config", paramLabel = "FILE",
            description = "KubeletConfiguration file to read, e.g. /var/lib/kubelet/config.yaml.")
    String config;

    @Option(names = "--pod-manifest-path", paramLabel = "DIR",
            description = "Directory of static pod manifests (overrides staticPodPath).")
    String podManifestPath;

    @Option(names = "--hostname-override", paramLabel = "NAME",
            description = "Node name, lowercased (default: this host's name).")
    String hostnameOverride;

    @Option(names = "--runtime", paramLabel = "docker|docker-cli|ctr|containerd|cri",
            description = "Container runtime to drive: docker (the Docker Engine API, the default), docker-cli (the"
                    + " docker command line), ctr (containerd's command line), containerd or cri (CRI).")
    String runtime;

    @Option(names = "--pod-infra-container-image", paramLabel = "IMAGE",
            description = "Pod sandbox image (default: "
                    + ConfigLoader.DEFAULT_PAUSE_IMAGE + ").")
    String podInfraContainerImage;

    @Option(names = "--root-dir", paramLabel = "DIR",
            description = "Agent state directory, emptyDir volumes live here (default: "
                    + ConfigLoader.DEFAULT_ROOT_DIR + ").")
    String rootDir;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Kubeconfig of the API server for mirror pods; without it the agent runs standalone.")
    String kubeconfig;

    @Option(names = {"--v", "-v"}, paramLabel = "N",
            description = "Log verbosity as the kubelet's: 0-2 INFO, 3-4 DEBUG, 5 and up TRACE.")
    String verbosity;

    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "Log level: ERROR, WARN, INFO, DEBUG or TRACE (wins over --v; default: INFO).")
    String logLevel;

    @Option(names = "--healthz-port", paramLabel = "PORT",
            description = "Port of the health endpoint, 0 disables (default: 10248).")
    String healthzPort;

    @Option(names = "--healthz-bind-address", paramLabel = "IP",
            description = "Address of the health endpoint (default: 127.0.0.1).")
    String healthzBindAddress;

    @Option(names = "--file-check-frequency", paramLabel = "DURATION",
            description = "Period of the full re-list of the manifest directory (default: 20s).")
    String fileCheckFrequency;

    @Option(names = "--sync-frequency", paramLabel = "DURATION",
            description = "Period of a full pod resync (default: 1m0s).")
    String syncFrequency;

    @Option(names = "--strict-manifest-permissions", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
            description = "Refuse manifests (and every manifest of the directory) that anyone but root can write;"
                    + " without it that is a warning (default: false).")
    String strictManifestPermissions;

    @Option(names = "--node-labels", paramLabel = "k=v,...",
            description = "Labels added to the Node when it is registered (with --kubeconfig).")
    String nodeLabels;

    @Option(names = "--container-runtime-endpoint", paramLabel = "ENDPOINT",
            description = "The runtime's socket: docker's for docker and docker-cli (default:"
                    + " unix:///var/run/docker.sock), the CRI socket for containerd and cri, containerd's for ctr"
                    + " (default: unix:///run/containerd/containerd.sock); kubeadm passes it.")
    String containerRuntimeEndpoint;

    @Mixin
    NodeApiFlags nodeApi = new NodeApiFlags();

    @Option(names = "--bootstrap-kubeconfig", paramLabel = "FILE",
            description = "Accepted for kubelet compatibility (kubeadm passes it) and ignored.")
    String bootstrapKubeconfig;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help and exit.")
    boolean help;

    @Option(names = "--version", versionHelp = true, description = "Print the version and exit.")
    boolean version;
}
