package io.staticpod.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.staticpod.config.AgentConfig.RuntimeKind;
import io.staticpod.config.ConfigLoader.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code --config} file: a KubeletConfiguration with our own {@code staticPodAgent:} section. */
class KubeletConfigFileTest {
    /** What kubeadm v1.28 writes to /var/lib/kubelet/config.yaml, unchanged. */
    static final String KUBEADM_CONFIG = """
            apiVersion: kubelet.config.k8s.io/v1beta1
            authentication:
              anonymous:
                enabled: false
              webhook:
                cacheTTL: 0s
                enabled: true
              x509:
                clientCAFile: /etc/kubernetes/pki/ca.crt
            authorization:
              mode: Webhook
              webhook:
                cacheAuthorizedTTL: 0s
                cacheUnauthorizedTTL: 0s
            cgroupDriver: systemd
            clusterDNS:
            - 10.96.0.10
            clusterDomain: cluster.local
            containerRuntimeEndpoint: ""
            cpuManagerReconcilePeriod: 0s
            evictionHard:
              imagefs.available: 15%
              memory.available: 100Mi
              nodefs.available: 10%
              nodefs.inodesFree: 5%
            evictionPressureTransitionPeriod: 0s
            fileCheckFrequency: 0s
            healthzBindAddress: 127.0.0.1
            healthzPort: 10248
            httpCheckFrequency: 0s
            imageMaximumGCAge: 0s
            imageMinimumGCAge: 0s
            kind: KubeletConfiguration
            logging:
              flushFrequency: 0
              options:
                json:
                  infoBufferSize: "0"
              verbosity: 0
            memorySwap: {}
            nodeStatusReportFrequency: 0s
            nodeStatusUpdateFrequency: 0s
            resolvConf: /run/systemd/resolve/resolv.conf
            rotateCertificates: true
            runtimeRequestTimeout: 0s
            shutdownGracePeriod: 0s
            shutdownGracePeriodCriticalPods: 0s
            staticPodPath: /etc/kubernetes/manifests
            streamingConnectionIdleTimeout: 0s
            syncFrequency: 0s
            volumeStatsAggPeriod: 0s
            """;

    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static AgentConfig run(String... args) throws ConfigException {
        return ((Outcome.Run) ConfigLoader.load(() -> "node-1", args)).config();
    }

    private List<String> errors(String yaml, String... moreArgs) throws Exception {
        Path file = write(yaml);
        String[] args = new String[moreArgs.length + 1];
        args[0] = "--config=" + file;
        System.arraycopy(moreArgs, 0, args, 1, moreArgs.length);
        return catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(() -> "node-1", args)).errors();
    }

    @Test
    void loadsAKubeadmKubeletConfigUnchanged() throws Exception {
        AgentConfig config = run("--config", write(KUBEADM_CONFIG).toString());

        assertThat(config.staticPodPath()).isEqualTo(Path.of("/etc/kubernetes/manifests"));
        // kubeadm writes 0s for the durations it leaves alone; the kubelet reads zero as "the default"
        assertThat(config.fileCheckFrequency()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.syncFrequency()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.healthzBindAddress()).isEqualTo("127.0.0.1");
        assertThat(config.healthzPort()).isEqualTo(10248);
        assertThat(config.runtime()).isEqualTo(RuntimeKind.DOCKER);
        // the node API reads kubeadm's authentication and authorization as the kubelet does
        assertThat(config.nodeApi()).isEqualTo(new NodeApiConfig("0.0.0.0", 10250, null, null, List.of(), "TLSv1.2",
                Path.of("/etc/kubernetes/pki/ca.crt"), true, Duration.ofMinutes(2), false,
                NodeApiConfig.AuthorizationMode.WEBHOOK, Duration.ofMinutes(5), Duration.ofSeconds(30), null));
        assertThat(config.ignoredFields()).containsExactly(
                "cgroupDriver", "clusterDNS", "clusterDomain",
                "cpuManagerReconcilePeriod", "evictionHard",
                "evictionPressureTransitionPeriod", "httpCheckFrequency", "imageMaximumGCAge", "imageMinimumGCAge",
                "logging", "memorySwap", "nodeStatusReportFrequency", "nodeStatusUpdateFrequency", "resolvConf",
                "rotateCertificates", "runtimeRequestTimeout", "shutdownGracePeriod",
                "shutdownGracePeriodCriticalPods", "streamingConnectionIdleTimeout", "volumeStatsAggPeriod");
    }

    @Test
    void usesTheDefaultsForFieldsTheFileLeavesOut() throws Exception {
        AgentConfig config = run("--config", write("""
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: /etc/kubernetes/manifests
                """).toString());

        assertThat(config).isEqualTo(new AgentConfig(Path.of("/etc/kubernetes/manifests"), Duration.ofSeconds(20),
                Duration.ofMinutes(1), "node-1", RuntimeKind.DOCKER, "registry.k8s.io/pause:3.10",
                Path.of("/var/lib/static-pod-agent"), "127.0.0.1", 10248, null, "INFO", List.of()));
    }

    @Test
    void readsDurationsInGoSyntax() throws Exception {
        AgentConfig config = run("--config", write("""
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: /m
                fileCheckFrequency: 500ms
                syncFrequency: 1m30s
                """).toString());

        assertThat(config.fileCheckFrequency()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.syncFrequency()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void resolvesRelativePathsAgainstTheFilesDirectoryAsTheKubeletDoes() throws Exception {
        AgentConfig config = run("--config", write("""
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: manifests
                staticPodAgent:
                  rootDir: ../state
                """).toString());

        assertThat(config.staticPodPath()).isEqualTo(dir.resolve("manifests"));
        assertThat(config.rootDir()).isEqualTo(dir.getParent().resolve("state"));
    }

    @Test
    void namesTheExpectedApiVersionAndKind() throws Exception {
        assertThat(errors("""
                apiVersion: kubelet.config.k8s.io/v1alpha1
                kind: KubeProxyConfiguration
                staticPodPath: /m
                """)).containsExactly(
                dir.resolve("config.yaml") + ": apiVersion: \"kubelet.config.k8s.io/v1alpha1\"; expected kubelet.config.k8s.io/v1beta1",
                dir.resolve("config.yaml") + ": kind: \"KubeProxyConfiguration\"; expected KubeletConfiguration");
        assertThat(errors("staticPodPath: /m\n"))
                .anySatisfy(m -> assertThat(m).contains("apiVersion: missing; expected kubelet.config.k8s.io/v1beta1"))
                .anySatisfy(m -> assertThat(m).contains("kind: missing; expected KubeletConfiguration"));
    }

    @Test
    void namesTheKeyOfAnInvalidValue() throws Exception {
        List<String> errors = errors("""
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: /m
                healthzPort: abc
                fileCheckFrequency: 20
                syncFrequency: -1s
                healthzBindAddress: localhost
                """);

        String file = dir.resolve("config.yaml").toString();
        assertThat(errors).containsExactlyInAnyOrder(
                file + ": fileCheckFrequency: \"20\" is not a duration (missing unit in duration \"20\");"
                        + " use a Go duration such as 20s, 1m0s or 500ms",
                file + ": syncFrequency: \"-1s\" must be greater than 0, such as 20s",
                file + ": healthzBindAddress: \"localhost\" is not an IP address; use e.g. 127.0.0.1, 0.0.0.0 or ::",
                file + ": healthzPort: \"abc\" is not a port number; use 0-65535 (0 disables)");
    }

    @Test
    void readsOurOwnSection() throws Exception {
        AgentConfig config = run("--config", write("""
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: /m
                staticPodAgent:
                  runtime: containerd
                  podInfraContainerImage: local/pause:1.0
                  rootDir: /srv/agent
                  logLevel: debug
                """).toString());

        assertThat(config.runtime()).isEqualTo(RuntimeKind.CONTAINERD);
        assertThat(config.podInfraContainerImage()).isEqualTo("local/pause:1.0");
        assertThat(config.rootDir()).isEqualTo(Path.of("/srv/agent"));
        assertThat(config.logLevel()).isEqualTo("DEBUG");
        assertThat(config.ignoredFields()).isEmpty();
    }

    @Test
    void readsTheRuntimeEndpointAndTheDockerCli() throws Exception {
        AgentConfig config = run("--config", write("""
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: /m
                containerRuntimeEndpoint: /run/other/docker.sock
                staticPodAgent:
                  runtime: docker-cli
                  dockerCli: /opt/podman/bin/docker
                """).toString());

        assertThat(config.runtime()).isEqualTo(RuntimeKind.DOCKER_CLI);
        assertThat(config.runtimeEndpoint()).isEqualTo("unix:///run/other/docker.sock");
        assertThat(config.dockerCli()).isEqualTo("/opt/podman/bin/docker");
        assertThat(config.ignoredFields()).isEmpty();
    }

    @Test
    void anEndpointThatIsNotAUnixSocketIsAnErrorNamingTheField() throws Exception {
        assertThat(errors("""
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: /m
                containerRuntimeEndpoint: tcp://10.0.0.1:2375
                """)).containsExactly(dir.resolve("config.yaml") + ": containerRuntimeEndpoint: \"tcp://10.0.0.1:2375\""
                + " is not a UNIX socket; use unix:///path/to/the.sock (such as unix:///var/run/docker.sock or"
                + " unix:///run/containerd/containerd.sock)");
    }

    @Test
    void namesTheNearestKeyForAMisspellingInOurSection() throws Exception {
        assertThat(errors("""
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: /m
                staticPodAgent:
                  runtim: containerd
                  sandboxImage: x
                """)).containsExactly(
                dir.resolve("config.yaml") + ": staticPodAgent.runtim: unknown key; did you mean staticPodAgent.runtime?",
                dir.resolve("config.yaml") + ": staticPodAgent.sandboxImage: unknown key; valid keys:"
                        + " dockerCli, logLevel, nodeIP, podInfraContainerImage, rootDir, runtime,"
                        + " strictManifestPermissions");
    }

    @Test
    void rejectsBadValuesInOurSection() throws Exception {
        assertThat(errors("""
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: /m
                staticPodAgent:
                  runtime: cri-o
                  logLevel: [INFO]
                """)).satisfiesExactlyInAnyOrder(
                m -> assertThat(m).endsWith("staticPodAgent.runtime: \"cri-o\" is not a runtime; use docker (the Docker"
                        + " Engine API), docker-cli, ctr, containerd or cri"),
                m -> assertThat(m).endsWith("staticPodAgent.logLevel: expected a single value, found a list"));
    }

    @Test
    void treatsANearMissOfAFieldWeReadAsATypo() throws Exception {
        assertThat(errors("""
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPth: /m
                """)).containsExactly(
                dir.resolve("config.yaml") + ": staticPodPth: unknown key; did you mean staticPodPath?",
                "no static pod path: set staticPodPath in --config FILE or pass --pod-manifest-path DIR");
    }

    @Test
    void neverMistakesARealKubeletFieldForATypo() throws Exception {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: /m
                staticPodAgent: {}
                """);
        for (String field : KubeletFields.V1BETA1) {
            if (!List.of("staticPodPath", "fileCheckFrequency", "syncFrequency", "healthzPort", "healthzBindAddress",
                    "containerRuntimeEndpoint").contains(field) && !NodeApiSettings.FIELDS.contains(field)
                    && !ContainerLogLimits.FIELDS.contains(field)) {
                yaml.append(field).append(": null\n");
            }
        }
        AgentConfig config = run("--config", write(yaml.toString()).toString());

        assertThat(config.ignoredFields()).hasSize(KubeletFields.V1BETA1.size() - 6 - NodeApiSettings.FIELDS.size()
                - ContainerLogLimits.FIELDS.size()).isSorted();
    }

    @Test
    void readsTheContainerLogLimitsWithTheKubeletsDefaults() throws Exception {
        AgentConfig limited = run("--config", write("""
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: /m
                containerLogMaxSize: 1.5Ki
                containerLogMaxFiles: 3
                """).toString());
        AgentConfig defaulted = run("--config", write("""
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: /m
                """).toString());

        assertThat(limited.containerLogs()).isEqualTo(new ContainerLogLimits(1536, 3));
        assertThat(limited.ignoredFields()).isEmpty();
        assertThat(defaulted.containerLogs()).isEqualTo(new ContainerLogLimits(10 * 1024 * 1024, 5));
    }

    @Test
    void namesABadContainerLogSizeOrFileCount() throws Exception {
        List<String> errors = errors("""
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: /m
                containerLogMaxSize: 10MB
                containerLogMaxFiles: 1
                """);

        assertThat(errors).anySatisfy(e -> assertThat(e).contains(": containerLogMaxSize: \"10MB\" is not a size")
                        .contains("such as 10Mi"))
                .anySatisfy(e -> assertThat(e).contains(": containerLogMaxFiles: \"1\" must be a whole number of 2"));
    }

    @Test
    void keepsUnknownFieldsOfNewerKubeletsAsIgnored() throws Exception {
        AgentConfig config = run("--config", write("""
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: /m
                someFutureKubeletSetting: true
                """).toString());

        assertThat(config.ignoredFields()).containsExactly("someFutureKubeletSetting");
    }

    @Test
    void namesTheMissingFile() {
        Path missing = dir.resolve("nope.yaml");
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(() -> "n", "--config", missing.toString(), "--pod-manifest-path=/m"));

        assertThat(e.errors()).containsExactly("--config: " + missing + " does not exist");
    }

    @Test
    void namesADirectoryGivenAsTheFile() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(() -> "n", "--config", dir.toString(), "--pod-manifest-path=/m"));

        assertThat(e.errors()).singleElement().asString().contains(dir.toString()).contains("is a directory");
    }

    @Test
    void namesTheLineOfBrokenYaml() throws Exception {
        assertThat(errors("""
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: [unclosed
                """, "--pod-manifest-path=/m")).singleElement().asString()
                .startsWith(dir.resolve("config.yaml") + ":").contains("not valid YAML");
    }

    @Test
    void rejectsDuplicateKeys() throws Exception {
        assertThat(errors("""
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: /a
                staticPodPath: /b
                """)).singleElement().asString().contains("staticPodPath");
    }

    @Test
    void rejectsAnEmptyFile() throws Exception {
        assertThat(errors("", "--pod-manifest-path=/m")).singleElement().asString()
                .contains("is empty; expected apiVersion: kubelet.config.k8s.io/v1beta1 and kind: KubeletConfiguration");
    }

    @Test
    void letsTheFlagSupplyTheStaticPodPathAKubeadmConfigLeavesOut() throws Exception {
        AgentConfig config = run("--config", write(KUBEADM_CONFIG.replace("staticPodPath: /etc/kubernetes/manifests\n", ""))
                .toString(), "--pod-manifest-path", "/srv/manifests");

        assertThat(config.staticPodPath()).isEqualTo(Path.of("/srv/manifests"));
    }
}
